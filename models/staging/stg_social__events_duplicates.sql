with

validated as (
    select * from {{ ref('stg_social__events_validated') }}
),

final as (
    select
        raw_event_id as event_id,
        delivery_rank,
        raw_event_ts as event_ts,
        raw_ingested_at as ingested_at,
        raw_user_id as user_id,
        raw_tweet_id as tweet_id,
        raw_event_type as event_type,
        raw_position as position,
        raw_client as client
    from validated
    where row_status = 'duplicate'
)

select * from final
