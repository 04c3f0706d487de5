{{ config(schema='intermediate') }}

{#- Source 'topic_popularity': the trending fresh tweets of each of the
    user's favourite topics. A user's topic weights are their decayed
    affinities summed per topic (log2 space) and normalised to shares; the
    candidate_user_topics largest are kept. Within a topic, tweets are taken
    in trend-score order, twice the source's quota (so enough remain once
    seen ones are removed); a candidate's score is log2(topic share * trend
    score), in log2 space because over years of history an old topic's share
    underflows to 0. -#}
{%- set quota = candidate_quota('topic_popularity') | int %}

with

history as (
    select
        scope,
        user_id,
        topic,
        log2_affinity,
        max(log2_affinity) over (partition by scope, user_id, topic) as log2_anchor
    from {{ ref('int_candidate_user_history') }}
    where topic is not null
),

user_topics as (
    select
        scope,
        user_id,
        topic,
        {{ ml_round(ml_log2_sum_exp2('log2_affinity', 'log2_anchor'), 9) }} as log2_weight
    from history
    group by scope, user_id, topic
),

-- Each topic's weight relative to the user's strongest (2 ^ (w - max w), in
-- (0, 1], the strongest exactly 1), so the share's log2 stays finite however
-- far apart old and new tastes are.
relative_weights as (
    select
        scope,
        user_id,
        topic,
        log2_weight,
        log2_weight - max(log2_weight) over (partition by scope, user_id) as log2_relative_weight
    from user_topics
),

topic_shares as (
    select
        scope,
        user_id,
        topic,
        log2_relative_weight
        - log2(
            {{ ml_exact_sum(
                'power(cast(2 as double), log2_relative_weight)', over='partition by scope, user_id',
            ) }}
        ) as log2_topic_share,
        row_number() over (
            partition by scope, user_id order by log2_weight desc, topic asc
        ) as topic_rank
    from relative_weights
),

trending as (
    select
        scope,
        tweet_id,
        author_id,
        topic,
        trend_score
    from (
        select
            scope,
            tweet_id,
            author_id,
            topic,
            trend_score,
            row_number() over (
                partition by scope, topic order by trend_score desc, tweet_id asc
            ) as trend_rank
        from {{ ref('int_candidate_fresh_tweets') }}
        where topic is not null
    ) as ranked
    where trend_rank <= {{ 2 * quota }}
),

final as (
    select
        cast(topic_shares.scope as string) as scope,
        cast(topic_shares.user_id as bigint) as user_id,
        cast(trending.tweet_id as bigint) as tweet_id,
        cast({{ ml_round('topic_shares.log2_topic_share + log2(trending.trend_score)', 9) }} as double)
            as source_score
    from topic_shares
    inner join trending
        on
            topic_shares.scope = trending.scope
            and topic_shares.topic = trending.topic
    where
        topic_shares.topic_rank <= {{ var('candidate_user_topics') }}
        and topic_shares.user_id <> trending.author_id
)

select * from final
