-- sessionize: one row per user per session (new session after a gap > 30 minutes).
-- Output columns: user_id, session_number, session_start, session_end, n_events,
--                 duration_seconds
-- Grade it: python -m practice check sessionize THIS_FILE.sql
with events as (
    select * from events
),

final as (
    select
        user_id,
        1 as session_number,
        min(event_ts) as session_start,
        max(event_ts) as session_end,
        count(*) as n_events,
        0 as duration_seconds
    from events
    group by user_id
)

select * from final
