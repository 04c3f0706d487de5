-- hopping-windows: one row per 10-minute window (hop 5 minutes) with events.
-- Output columns: window_start, window_end, n_events, n_users
-- Grade it: python -m practice check hopping-windows THIS_FILE.sql
with events as (
    select * from events
),

final as (
    select
        time_bucket(interval '10 minutes', event_ts) as window_start,
        time_bucket(interval '10 minutes', event_ts) + interval '10 minutes' as window_end,
        count(*) as n_events,
        count(distinct user_id) as n_users
    from events
    group by time_bucket(interval '10 minutes', event_ts)
)

select * from final
