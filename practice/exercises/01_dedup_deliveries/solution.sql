with events as (
    select * from raw_events
    where event_id is not null
),

ranked as (
    select
        *,
        row_number() over (
            partition by event_id order by ingested_at
        ) as delivery_number,
        count(*) over (partition by event_id) as n_deliveries
    from events
),

final as (
    select
        event_id,
        user_id,
        tweet_id,
        event_type,
        event_ts,
        ingested_at as first_ingested_at,
        n_deliveries
    from ranked
    where delivery_number = 1
)

select * from final
