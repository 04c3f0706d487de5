-- why: BETWEEN includes the window end, so an event at 00:10:00 is counted in [00:00, 00:10)
-- expect: extra
-- fails-on: hidden_boundaries
with starts as (
    select distinct time_bucket(interval '5 minutes', event_ts) as bucket from events
),

windows as (
    select bucket as window_start from starts
    union
    select bucket - interval '5 minutes' as window_start from starts
)

select
    windows.window_start,
    windows.window_start + interval '10 minutes' as window_end,
    count(*) as n_events,
    count(distinct events.user_id) as n_users
from windows
inner join events
    on events.event_ts between windows.window_start
    and windows.window_start + interval '10 minutes'
group by windows.window_start
