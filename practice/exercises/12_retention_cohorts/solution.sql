with users as (
    select * from users
    where signup_at is not null
),

activity as (
    select * from activity
),

cohorts as (
    select
        user_id,
        signup_at,
        cast(date_trunc('week', signup_at) as date) as cohort_week
    from users
),

cohort_sizes as (
    select
        cohort_week,
        count(*) as cohort_size
    from cohorts
    group by cohort_week
),

active_weeks as (
    select distinct
        cohorts.cohort_week,
        cohorts.user_id,
        date_diff(
            'day', cohorts.cohort_week, cast(date_trunc('week', activity.event_ts) as date)
        ) // 7 as week_number
    from cohorts
    inner join activity
        on
            cohorts.user_id = activity.user_id
            and cohorts.signup_at <= activity.event_ts
),

retained as (
    select
        cohort_week,
        week_number,
        count(*) as retained_users
    from active_weeks
    where week_number between 0 and 3
    group by cohort_week, week_number
),

grid as (
    select
        cohort_sizes.cohort_week,
        weeks.week_number,
        cohort_sizes.cohort_size
    from cohort_sizes
    cross join range(4) as weeks (week_number)
),

final as (
    select
        grid.cohort_week,
        grid.week_number,
        grid.cohort_size,
        coalesce(retained.retained_users, 0) as retained_users,
        round(coalesce(retained.retained_users, 0) / grid.cohort_size, 4) as retention_rate
    from grid
    left join retained
        on
            grid.cohort_week = retained.cohort_week
            and grid.week_number = retained.week_number
)

select * from final
order by cohort_week, week_number
