with

validated as (
    select * from {{ ref('stg_social__tweets_validated') }}
),

final as (
    select
        tweet_id,
        raw_tweet_id as tweet_key,
        -- An empty author gets a stand-in of its own, minus the tweet id, so
        -- author features and joins never pool unrelated tweets under null.
        coalesce(author_id, -tweet_id) as author_id,
        author_status,
        created_at,
        topic,
        has_media,
        deleted_at,
        is_deleted
    from validated
    where quarantine_reason is null
)

select * from final
