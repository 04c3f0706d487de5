with

validated as (
    select * from {{ ref('stg_social__events_validated') }}
),

final as (
    select
        event_id,
        user_id,
        tweet_id,
        event_type,
        event_at,
        ingested_at,
        position,
        client,
        is_late_arrival
    from validated
    where row_status = 'clean'
)

select * from final
