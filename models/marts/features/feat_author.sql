with

tweets as (
    select
        tweet_id,
        author_id,
        created_at
    from {{ ref('dim_tweets') }}
),

events as (
    select
        author_id,
        user_id,
        is_engagement,
        event_type,
        event_at
    from {{ ref('fct_engagements') }}
    where not is_bot_user
),

follows as (
    select
        followee_id,
        follower_id,
        followed_at
    from {{ ref('stg_social__follows') }}
),

serving as (
    select as_of_at from {{ ref('int_ml_scopes') }}
    where scope = 'serving'
),

authored as (
    select
        tweets.author_id,
        count(*) as tweets_posted,
        max(tweets.created_at) as last_tweet_at
    from tweets
    cross join serving
    where tweets.created_at < serving.as_of_at
    group by tweets.author_id
),

followers as (
    select
        follows.followee_id as author_id,
        count(distinct follows.follower_id) as follower_count
    from follows
    cross join serving
    where follows.followed_at < serving.as_of_at
    group by follows.followee_id
),

author_users as (
    -- One pass over the events at (author, user) grain gives both distinct
    -- user counts: two count(distinct) aggregates would hash the pairs twice.
    select
        events.author_id,
        events.user_id,
        count(case when events.event_type = 'impression' then 1 end) as impressions,
        count(case when events.is_engagement then 1 end) as engagements
    from events
    cross join serving
    where
        events.event_at < serving.as_of_at
        and (events.event_type = 'impression' or events.is_engagement)
    group by events.author_id, events.user_id
),

reach as (
    -- count(case ... then user_id end): a NULL user is not a user, as in
    -- count(distinct user_id).
    select
        author_id,
        sum(impressions) as impressions,
        sum(engagements) as engagements,
        count(case when impressions > 0 then user_id end) as impressed_users,
        count(case when engagements > 0 then user_id end) as engaged_users
    from author_users
    group by author_id
),

final as (
    select
        cast(authored.author_id as bigint) as author_id,
        serving.as_of_at,
        cast(authored.tweets_posted as bigint) as tweets_posted,
        authored.last_tweet_at,
        cast(coalesce(followers.follower_count, 0) as bigint) as follower_count,
        cast(coalesce(reach.impressions, 0) as bigint) as impressions,
        cast(coalesce(reach.engagements, 0) as bigint) as engagements,
        cast(coalesce(reach.impressed_users, 0) as bigint) as impressed_users,
        cast(coalesce(reach.engaged_users, 0) as bigint) as engaged_users,
        {{ ml_safe_divide('reach.engagements', 'reach.impressions') }} as engagement_rate,
        {{ ml_safe_divide('coalesce(reach.engagements, 0)', 'authored.tweets_posted') }}
            as engagements_per_tweet
    from authored
    cross join serving
    left join followers
        on authored.author_id = followers.author_id
    left join reach
        on authored.author_id = reach.author_id
)

select * from final
