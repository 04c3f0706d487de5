-- dedup-deliveries: one row per distinct non-NULL event_id.
-- Output columns: event_id, user_id, tweet_id, event_type, event_ts,
--                 first_ingested_at, n_deliveries
-- Grade it: python -m practice check dedup-deliveries THIS_FILE.sql
with events as (
    select * from raw_events
),

final as (
    select
        event_id,
        user_id,
        tweet_id,
        event_type,
        event_ts,
        ingested_at as first_ingested_at,
        1 as n_deliveries
    from events
)

select * from final
