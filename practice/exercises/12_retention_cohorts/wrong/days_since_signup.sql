-- why: counts weeks from the signup instant instead of calendar weeks from the cohort Monday
-- expect: the values in 'retained_users' and 'retention_rate' are wrong
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
        date_diff('day', cohorts.signup_at, a.event_ts) // 7 as week_number
    from cohorts
    inner join activity as a
        on cohorts.user_id = a.user_id and a.event_ts >= cohorts.signup_at
),

retained as (
    select cohort_week, week_number, count(*) as retained_users from active group by all
)

select
    sizes.cohort_week,
    w.week_number,
    sizes.cohort_size,
    coalesce(retained.retained_users, 0) as retained_users,
    round(coalesce(retained.retained_users, 0) / sizes.cohort_size, 4) as retention_rate
from sizes
cross join range(4) as w (week_number)
left join retained
    on sizes.cohort_week = retained.cohort_week and w.week_number = retained.week_number
order by sizes.cohort_week, w.week_number
