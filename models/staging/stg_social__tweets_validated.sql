{#- A table: the clean and quarantine models both read it, and events join it. -#}
{{ config(
    materialized='table',
    post_hook="{{ fail_when_mostly_quarantined('tweets') }}",
) }}

-- depends_on: {{ ref('stg_social__timestamp_formats') }}
-- depends_on: {{ ref('stg_social__id_formats') }}

with

source as (
    select * from {{ read_raw('raw', 'tweets') }}
),

users as (
    select * from {{ ref('stg_social__users') }}
),

typed as (
    select
        {{ raw_text('tweet_id') }} as raw_tweet_id,
        {{ raw_text('author_id') }} as raw_author_id,
        {{ raw_text('created_at') }} as raw_created_at,
        {{ raw_text('topic') }} as raw_topic,
        {{ raw_text('has_media') }} as raw_has_media,
        {{ raw_text('deleted_at') }} as raw_deleted_at,
        {{ raw_id('tweet', 'tweet_id') }} as tweet_id,
        {{ raw_id('user', 'author_id') }} as author_id,
        {{ raw_timestamp('tweets', 'created_at') }} as created_at,
        lower({{ raw_text('topic') }}) as topic,
        {{ parse_raw_boolean('has_media') }} as has_media,
        {{ raw_timestamp('tweets', 'deleted_at') }} as deleted_at
    from source
),

row_checked as (
    select
        typed.*,
        case
            when typed.raw_tweet_id is null then 'missing_id'
            -- An empty author_id is a deleted or unknown account (author_status), not dirt.
            when {{ raw_out_of_range('typed.raw_tweet_id', 'typed.tweet_id') }} then 'out_of_range:tweet_id'
            when {{ raw_out_of_range('typed.raw_author_id', 'typed.author_id') }}
                then 'out_of_range:author_id'
            when
                typed.tweet_id is null or (typed.raw_author_id is not null and typed.author_id is null)
                then 'malformed_id'
            when
                typed.created_at is null
                or (typed.raw_deleted_at is not null and typed.deleted_at is null)
                then 'malformed_timestamp'
            when typed.has_media is null then 'malformed_value'
        end as row_reason,
        -- Content outlives its author's account: a tweet whose author is empty
        -- or not (any more) in raw_users keeps its events.
        case
            when typed.raw_author_id is null then 'missing'
            when typed.author_id is null then null
            when users.user_id is null then 'deleted_account'
            else 'known'
        end as author_status
    from typed
    left join users
        on typed.author_id = users.user_id
),

key_ranked as (
    select
        *,
        row_number() over (
            partition by tweet_id, row_reason is null
            order by
                created_at, raw_created_at, raw_author_id, raw_topic, raw_has_media,
                raw_deleted_at
        ) as key_rank
    from row_checked
),

final as (
    select
        raw_tweet_id,
        raw_author_id,
        raw_created_at,
        raw_topic,
        raw_has_media,
        raw_deleted_at,
        tweet_id,
        author_id,
        created_at,
        topic,
        has_media,
        deleted_at,
        deleted_at is not null as is_deleted,
        author_status,
        case
            when row_reason is not null then row_reason
            when key_rank > 1 then 'duplicate_key'
        end as quarantine_reason
    from key_ranked
)

select * from final
