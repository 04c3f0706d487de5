-- why: works on active days only: missing zero days, and lag/rolling span the gaps
-- expect: missing
-- fails-on: visible
with daily as (
    select user_id, cast(event_ts as date) as activity_day, count(*) as n_events
    from events
    group by all
)

select
    user_id,
    activity_day,
    n_events,
    lag(n_events) over (partition by user_id order by activity_day) as n_events_prev_day,
    sum(n_events) over (
        partition by user_id order by activity_day rows between 6 preceding and current row
    ) as n_events_7d,
    count(*) over (
        partition by user_id order by activity_day rows between 6 preceding and current row
    ) as active_days_7d
from daily
