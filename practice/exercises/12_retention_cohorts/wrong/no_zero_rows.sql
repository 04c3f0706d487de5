-- why: an inner join drops weeks in which nobody was active
-- expect: missing
-- fails-on: visible
with cohorts as (
    select user_id, signup_at, cast(date_trunc('week', signup_at) as date) as cohort_week
    from users
    where signup_at is not null
),

sizes as (
    select cohort_week, count(*) as cohort_size from cohorts group by all
),

active as (
    select distinct
        cohorts.cohort_week,
        cohorts.user_id,
        date_diff('day', cohorts.cohort_week, cast(date_trunc('week', a.event_ts) as date)) // 7
            as week_number
    from cohorts
    inner join activity as a
        on cohorts.user_id = a.user_id and a.event_ts >= cohorts.signup_at
)

select
    sizes.cohort_week,
    active.week_number,
    sizes.cohort_size,
    count(*) as retained_users,
    round(count(*) / sizes.cohort_size, 4) as retention_rate
from sizes
inner join active on sizes.cohort_week = active.cohort_week
where active.week_number between 0 and 3
group by sizes.cohort_week, active.week_number, sizes.cohort_size
order by sizes.cohort_week, active.week_number
