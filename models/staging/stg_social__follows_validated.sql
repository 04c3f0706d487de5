{#- A table: the clean and quarantine models both read it. -#}
{{ config(
    materialized='table',
    post_hook="{{ fail_when_mostly_quarantined('follows') }}",
) }}

-- depends_on: {{ ref('stg_social__timestamp_formats') }}
-- depends_on: {{ ref('stg_social__id_formats') }}

with

source as (
    select * from {{ read_raw('raw', 'follows') }}
),

users as (
    select * from {{ ref('stg_social__users') }}
),

typed as (
    select
        {{ raw_text('follower_id') }} as raw_follower_id,
        {{ raw_text('followee_id') }} as raw_followee_id,
        {{ raw_text('followed_at') }} as raw_followed_at,
        {{ raw_id('user', 'follower_id') }} as follower_id,
        {{ raw_id('user', 'followee_id') }} as followee_id,
        {{ raw_timestamp('follows', 'followed_at') }} as followed_at
    from source
),

row_checked as (
    select
        typed.*,
        case
            when typed.raw_follower_id is null or typed.raw_followee_id is null then 'missing_id'
            when {{ raw_out_of_range('typed.raw_follower_id', 'typed.follower_id') }}
                then 'out_of_range:follower_id'
            when {{ raw_out_of_range('typed.raw_followee_id', 'typed.followee_id') }}
                then 'out_of_range:followee_id'
            when typed.follower_id is null or typed.followee_id is null then 'malformed_id'
            when typed.followed_at is null then 'malformed_timestamp'
            when typed.follower_id = typed.followee_id then 'self_follow'
            when followers.user_id is null or followees.user_id is null then 'unknown_user'
        end as row_reason
    from typed
    left join users as followers
        on typed.follower_id = followers.user_id
    left join users as followees
        on typed.followee_id = followees.user_id
),

key_ranked as (
    -- A repeated edge keeps its earliest follow time.
    select
        *,
        row_number() over (
            partition by follower_id, followee_id, row_reason is null
            order by followed_at, raw_followed_at
        ) as key_rank
    from row_checked
),

final as (
    select
        raw_follower_id,
        raw_followee_id,
        raw_followed_at,
        follower_id,
        followee_id,
        followed_at,
        case
            when row_reason is not null then row_reason
            when key_rank > 1 then 'duplicate_key'
        end as quarantine_reason
    from key_ranked
)

select * from final
