-- why: count(user_id) counts events, not distinct users
-- expect: the values in 'n_users' are wrong
-- fails-on: visible
with assigned as (
    select user_id, time_bucket(interval '5 minutes', event_ts) as window_start from events
    union all
    select user_id, time_bucket(interval '5 minutes', event_ts) - interval '5 minutes'
    from events
)

select
    window_start,
    window_start + interval '10 minutes' as window_end,
    count(*) as n_events,
    count(user_id) as n_users
from assigned
group by window_start
