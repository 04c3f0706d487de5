-- why: lag(n_events, 1, 0) reports 0 instead of NULL on the first day
-- expect: the values in 'n_events_prev_day' are wrong
-- fails-on: visible
with daily as (
    select user_id, cast(event_ts as date) as activity_day, count(*) as n_events
    from events
    group by all
),

spine as (
    select user_id, cast(unnest(generate_series(
        cast(min(activity_day) as timestamp), cast(max(activity_day) as timestamp),
        interval '1 day'
    )) as date) as activity_day
    from daily
    group by user_id
),

filled as (
    select spine.user_id, spine.activity_day, coalesce(daily.n_events, 0) as n_events
    from spine
    left join daily using (user_id, activity_day)
)

select
    user_id,
    activity_day,
    n_events,
    lag(n_events, 1, 0) over (partition by user_id order by activity_day) as n_events_prev_day,
    sum(n_events) over (
        partition by user_id order by activity_day rows between 6 preceding and current row
    ) as n_events_7d,
    count(*) filter (where n_events > 0) over (
        partition by user_id order by activity_day rows between 6 preceding and current row
    ) as active_days_7d
from filled
