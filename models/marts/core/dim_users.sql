with

users as (
    select * from {{ ref('stg_social__users') }}
),

bot_flags as (
    select * from {{ ref('int_users_bot_flagged') }}
),

follows as (
    select * from {{ ref('stg_social__follows') }}
),

events as (
    select * from {{ ref('stg_social__events') }}
),

follower_counts as (
    select
        followee_id as user_id,
        count(*) as follower_count
    from follows
    group by followee_id
),

following_counts as (
    select
        follower_id as user_id,
        count(*) as following_count
    from follows
    group by follower_id
),

event_span as (
    select
        user_id,
        min(event_at) as first_event_at,
        max(event_at) as last_event_at
    from events
    group by user_id
),

final as (
    select
        users.user_id,
        users.user_key,
        users.signup_at,
        users.country,
        users.language,
        users.is_verified,
        bot_flags.is_bot,
        coalesce(follower_counts.follower_count, 0) as follower_count,
        coalesce(following_counts.following_count, 0) as following_count,
        event_span.first_event_at,
        event_span.last_event_at
    from users
    inner join bot_flags
        on users.user_id = bot_flags.user_id
    left join follower_counts
        on users.user_id = follower_counts.user_id
    left join following_counts
        on users.user_id = following_counts.user_id
    left join event_span
        on users.user_id = event_span.user_id
)

select * from final
