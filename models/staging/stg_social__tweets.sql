with

validated as (
    select * from {{ ref('stg_social__tweets_validated') }}
),

final as (
    select
        tweet_id,
        author_id,
        created_at,
        topic,
        has_media,
        deleted_at,
        is_deleted
    from validated
    where quarantine_reason is null
)

select * from final
