{#- The online store's user-topic part of a feature vector: one row per
    (user, topic) pair the user engaged with strictly before the serving
    as-of time T (non-bot engagements with tweets of that topic), with
    int_point_in_time_features' rules. A pair not here has 0 engagements, so
    its share is 0, or NULL for a user with no engagement at all; a tweet
    without a topic has NULL for both. -#}

with

serving as (
    select as_of_at from {{ ref('int_ml_scopes') }}
    where scope = 'serving'
),

events as (
    select
        user_id,
        tweet_id,
        is_engagement,
        event_at
    from {{ ref('fct_engagements') }}
    where not is_bot_user
),

tweets as (
    select
        tweet_id,
        topic
    from {{ ref('dim_tweets') }}
),

users as (
    select
        user_id,
        f_user_engagements
    from {{ ref('feat_online_user') }}
),

topic_counts as (
    select
        events.user_id,
        tweets.topic,
        count(*) as engagements
    from events
    cross join serving
    inner join tweets
        on events.tweet_id = tweets.tweet_id
    where
        events.event_at < serving.as_of_at
        and events.is_engagement
        and tweets.topic is not null
    group by events.user_id, tweets.topic
),

joined as (
    select
        topic_counts.user_id,
        topic_counts.topic,
        topic_counts.engagements as f_user_topic_engagements,
        {{ ml_safe_divide('topic_counts.engagements', 'users.f_user_engagements') }}
            as f_user_topic_share
    from topic_counts
    inner join users
        on topic_counts.user_id = users.user_id
),

final as (
    select
        cast(user_id as bigint) as user_id,
        cast(topic as string) as topic,
        {{ ml_feature_casts(['f_user_topic_engagements', 'f_user_topic_share']) }}
    from joined
)

select * from final
