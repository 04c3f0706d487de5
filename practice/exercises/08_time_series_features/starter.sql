-- time-series-features: one row per user per calendar day, gaps filled with 0.
-- Output columns: user_id, activity_day, n_events, n_events_prev_day, n_events_7d,
--                 active_days_7d
-- Grade it: python -m practice check time-series-features THIS_FILE.sql
with events as (
    select * from events
),

daily as (
    select
        user_id,
        cast(event_ts as date) as activity_day,
        count(*) as n_events
    from events
    group by user_id, cast(event_ts as date)
),

final as (
    select
        user_id,
        activity_day,
        n_events,
        null as n_events_prev_day,
        n_events as n_events_7d,
        1 as active_days_7d
    from daily
)

select * from final
