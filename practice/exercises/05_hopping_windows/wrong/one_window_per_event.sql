-- why: assigns each event to a single 5-minute-aligned window (only the bucket it is in)
-- expect: missing
-- fails-on: visible
select
    time_bucket(interval '5 minutes', event_ts) as window_start,
    time_bucket(interval '5 minutes', event_ts) + interval '10 minutes' as window_end,
    count(*) as n_events,
    count(distinct user_id) as n_users
from events
group by time_bucket(interval '5 minutes', event_ts)
