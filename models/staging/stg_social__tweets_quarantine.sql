with

validated as (
    select * from {{ ref('stg_social__tweets_validated') }}
),

final as (
    select
        raw_tweet_id as tweet_id,
        quarantine_reason,
        raw_author_id as author_id,
        raw_created_at as created_at,
        raw_topic as topic,
        raw_has_media as has_media,
        raw_deleted_at as deleted_at
    from validated
    where quarantine_reason is not null
)

select * from final
