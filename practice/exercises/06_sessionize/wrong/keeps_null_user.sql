-- why: events without a user become a session of user NULL
-- expect: 1 extra
-- fails-on: hidden_interleaved
with flagged as (
    select
        *,
        case
            when
                lag(event_ts) over (partition by user_id order by event_ts) is null
                or event_ts - lag(event_ts) over (partition by user_id order by event_ts)
                > interval '30 minutes'
                then 1
            else 0
        end as is_session_start
    from events
),

numbered as (
    select
        *,
        sum(is_session_start) over (
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
