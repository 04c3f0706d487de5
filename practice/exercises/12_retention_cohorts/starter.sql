-- retention-cohorts: four rows per signup week (week_number 0..3), ordered.
-- Output columns: cohort_week, week_number, cohort_size, retained_users, retention_rate
-- Grade it: python -m practice check retention-cohorts THIS_FILE.sql
with users as (
    select * from users
),

activity as (
    select * from activity
),

final as (
    select
        cast(date_trunc('week', signup_at) as date) as cohort_week,
        0 as week_number,
        count(*) as cohort_size,
        count(*) as retained_users,
        1.0 as retention_rate
    from users
    group by cast(date_trunc('week', signup_at) as date)
)

select * from final
