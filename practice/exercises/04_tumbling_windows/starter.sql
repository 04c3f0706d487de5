-- tumbling-windows: one row per tweet per 15-minute window with events.
-- Output columns: tweet_id, window_start, window_end, n_events, n_likes
-- Grade it: python -m practice check tumbling-windows THIS_FILE.sql
with events as (
    select * from events
),

final as (
    select
        tweet_id,
        date_trunc('hour', event_ts) as window_start,
        date_trunc('hour', event_ts) + interval '1 hour' as window_end,
        count(*) as n_events,
        0 as n_likes
    from events
    group by tweet_id, date_trunc('hour', event_ts)
)

select * from final
