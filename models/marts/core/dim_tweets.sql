with

tweets as (
    select * from {{ ref('stg_social__tweets') }}
),

final as (
    select
        tweet_id,
        tweet_key,
        author_id,
        author_status,
        created_at,
        topic,
        has_media,
        is_deleted,
        deleted_at
    from tweets
)

select * from final
