{{ config(schema='intermediate') }}

{#- The tweets a feed can show as of each scope: live then (created strictly
    before the as-of time, not deleted at it), not older than
    candidate_lookback_hours, with their trend score: every engagement
    before the as-of time by a human, weighted by type and halved every
    popularity_half_life_hours of its age, plus the tweet's own creation
    counted as one engagement (so a tweet nobody has seen yet still ranks by
    freshness). Ages are bounded by the lookback, so the plain (not log2)
    sum cannot underflow. -#}
{%- set half_life = 'cast(' ~ var('popularity_half_life_hours') ~ ' as double)' %}

with

scopes as (
    select
        scope,
        as_of_at
    from {{ ref('int_ml_scopes') }}
),

tweets as (
    select
        tweet_id,
        author_id,
        topic,
        created_at,
        deleted_at
    from {{ ref('dim_tweets') }}
),

engagements as (
    select
        tweet_id,
        event_type,
        event_at
    from {{ ref('fct_engagements') }}
    where
        is_engagement
        and not is_bot_user
),

live as (
    select
        scopes.scope,
        scopes.as_of_at,
        tweets.tweet_id,
        tweets.author_id,
        tweets.topic,
        tweets.created_at,
        {{ ml_hours_between('tweets.created_at', 'scopes.as_of_at') }} as age_hours
    from tweets
    inner join scopes
        on
            tweets.created_at < scopes.as_of_at
            and tweets.created_at
            >= {{ ml_dateadd('hour', '-' ~ var('candidate_lookback_hours'), 'scopes.as_of_at') }}
            and (tweets.deleted_at is null or tweets.deleted_at > scopes.as_of_at)
),

engaged as (
    select
        live.scope,
        live.tweet_id,
        count(*) as engagements,
        {{ ml_exact_sum(
            ml_engagement_weight('engagements.event_type')
            ~ ' * power(cast(2 as double), -' ~ ml_hours_between('engagements.event_at', 'live.as_of_at')
            ~ ' / ' ~ half_life ~ ')'
        ) }} as decayed_engagements
    from live
    inner join engagements
        on
            live.tweet_id = engagements.tweet_id
            and live.as_of_at > engagements.event_at
    group by live.scope, live.tweet_id
),

final as (
    select
        cast(live.scope as string) as scope,
        cast(live.tweet_id as bigint) as tweet_id,
        cast(live.author_id as bigint) as author_id,
        cast(live.topic as string) as topic,
        cast(live.created_at as timestamp) as created_at,
        cast(live.age_hours as double) as age_hours,
        cast(coalesce(engaged.engagements, 0) as bigint) as engagements_before,
        cast(
            {{ ml_round(
                'coalesce(engaged.decayed_engagements, 0)'
                ~ ' + power(cast(2 as double), -live.age_hours / ' ~ half_life ~ ')', 12
            ) }} as double
        ) as trend_score
    from live
    left join engaged
        on
            live.scope = engaged.scope
            and live.tweet_id = engaged.tweet_id
)

select * from final
