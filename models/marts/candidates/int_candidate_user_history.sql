{{ config(schema='intermediate') }}

{#- What each user had engaged with as of each scope: the seen items every
    source skips, and the signal the author, topic and co-engagement sources
    start from. Affinities are summed in log2 space (ml_log2_sum_exp2), as in
    sim_user_tweet_candidates, so a history of any length never underflows. -#}

with

engagements as (
    select
        user_id,
        tweet_id,
        author_id,
        event_type,
        event_at
    from {{ ref('fct_engagements') }}
    where
        is_engagement
        and not is_bot_user
),

tweets as (
    select
        tweet_id,
        topic
    from {{ ref('dim_tweets') }}
),

scopes as (
    select
        scope,
        as_of_at
    from {{ ref('int_ml_scopes') }}
),

weighted as (
    select
        scopes.scope,
        engagements.user_id,
        engagements.tweet_id,
        engagements.author_id,
        engagements.event_at,
        {{ ml_engagement_weight('engagements.event_type') }} as weight,
        {{ ml_log2_decay('engagements.event_at', 'scopes.as_of_at') }} as log2_decay,
        max({{ ml_log2_decay('engagements.event_at', 'scopes.as_of_at') }}) over (
            partition by scopes.scope, engagements.user_id, engagements.tweet_id
        ) as log2_decay_anchor
    from engagements
    inner join scopes
        on engagements.event_at < scopes.as_of_at
),

per_tweet as (
    select
        scope,
        user_id,
        tweet_id,
        max(author_id) as author_id,
        max(event_at) as last_engaged_at,
        {{ ml_round(ml_log2_sum_exp2('log2_decay', 'log2_decay_anchor', 'weight'), 9) }} as log2_affinity
    from weighted
    group by scope, user_id, tweet_id
),

final as (
    select
        cast(per_tweet.scope as string) as scope,
        cast(per_tweet.user_id as bigint) as user_id,
        cast(per_tweet.tweet_id as bigint) as tweet_id,
        cast(per_tweet.author_id as bigint) as author_id,
        cast(tweets.topic as string) as topic,
        cast(per_tweet.last_engaged_at as timestamp) as last_engaged_at,
        cast(per_tweet.log2_affinity as double) as log2_affinity
    from per_tweet
    left join tweets
        on per_tweet.tweet_id = tweets.tweet_id
)

select * from final
