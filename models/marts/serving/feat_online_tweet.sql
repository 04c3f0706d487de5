{#- The online store's tweet half of a feature vector, for every tweet live
    at the serving as-of time T (created before T, not deleted at or before
    it: what retrieval may propose), with int_point_in_time_features' rules:
    non-bot impressions and engagements strictly before T, the age and the
    velocity measured to T. -#}

with

serving as (
    select as_of_at from {{ ref('int_ml_scopes') }}
    where scope = 'serving'
),

tweets as (
    select
        tweet_id,
        tweet_key,
        author_id,
        topic,
        has_media,
        created_at,
        deleted_at
    from {{ ref('dim_tweets') }}
),

events as (
    select
        tweet_id,
        event_type,
        is_engagement,
        event_at
    from {{ ref('fct_engagements') }}
    where not is_bot_user
),

live_tweets as (
    select
        tweets.tweet_id,
        tweets.tweet_key,
        tweets.author_id,
        tweets.topic,
        tweets.has_media,
        tweets.created_at,
        serving.as_of_at
    from tweets
    cross join serving
    where
        tweets.created_at < serving.as_of_at
        and (tweets.deleted_at is null or tweets.deleted_at > serving.as_of_at)
),

tweet_counts as (
    select
        events.tweet_id,
        sum(case when events.event_type = 'impression' then 1 else 0 end) as impressions,
        sum(case when events.is_engagement then 1 else 0 end) as engagements
    from events
    cross join serving
    where events.event_at < serving.as_of_at
    group by events.tweet_id
),

joined as (
    select
        live_tweets.tweet_id,
        live_tweets.tweet_key,
        live_tweets.author_id,
        live_tweets.topic,
        live_tweets.as_of_at,
        case
            when live_tweets.has_media then 1
            when not live_tweets.has_media then 0
        end as f_has_media,
        {{ ml_hours_between('live_tweets.created_at', 'live_tweets.as_of_at') }}
            as f_tweet_age_hours,
        coalesce(tweet_counts.impressions, 0) as f_tweet_impressions,
        coalesce(tweet_counts.engagements, 0) as f_tweet_engagements,
        {{ ml_safe_divide(
            'coalesce(tweet_counts.engagements, 0)', 'coalesce(tweet_counts.impressions, 0)',
        ) }} as f_tweet_engagement_rate,
        {{ ml_engagement_velocity(
            'coalesce(tweet_counts.engagements, 0)',
            ml_hours_between('live_tweets.created_at', 'live_tweets.as_of_at'),
        ) }} as f_tweet_engagement_velocity
    from live_tweets
    left join tweet_counts
        on live_tweets.tweet_id = tweet_counts.tweet_id
),

final as (
    select
        cast(tweet_id as bigint) as tweet_id,
        cast(tweet_key as string) as tweet_key,
        cast(author_id as bigint) as author_id,
        cast(topic as string) as topic,
        cast(as_of_at as timestamp) as as_of_at,
        {{ ml_feature_casts([
            'f_has_media', 'f_tweet_age_hours', 'f_tweet_impressions', 'f_tweet_engagements',
            'f_tweet_engagement_rate', 'f_tweet_engagement_velocity',
        ]) }}
    from joined
)

select * from final
