-- why: counts gaps instead of session starts, so sessions are numbered from 0
-- expect: the values in 'session_number' are wrong
-- fails-on: visible
with flagged as (
    select
        *,
        case
            when event_ts - lag(event_ts) over (partition by user_id order by event_ts)
                > interval '30 minutes'
                then 1
            else 0
        end as is_gap
    from events
    where user_id is not null
),

numbered as (
    select
        *,
        sum(is_gap) over (
            partition by user_id order by event_ts, event_id
            rows between unbounded preceding and current row
        ) as session_number
    from flagged
)

select
    user_id,
    session_number,
    min(event_ts) as session_start,
    max(event_ts) as session_end,
    count(*) as n_events,
    date_diff('second', min(event_ts), max(event_ts)) as duration_seconds
from numbered
group by user_id, session_number
