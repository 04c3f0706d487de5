{{ config(meta={'dagster': {'ref': {'name': 'feat_scoring_candidates'}}}) }}
-- Scope 'backtest' may only know tweets engaged with before the test window
-- starts: every tweet in its similarity table and every candidate must have
-- a non-bot engagement before the backtest as-of time, and every candidate's
-- features are stamped with that as-of time. Returns each violation.
with

scopes as (
    select * from {{ ref('int_ml_scopes') }}
    where scope = 'backtest'
),

engagements as (
    select
        tweet_id,
        event_at
    from {{ ref('fct_engagements') }}
    where
        is_engagement
        and not is_bot_user
),

known_tweets as (
    select distinct engagements.tweet_id
    from engagements
    cross join scopes
    where engagements.event_at < scopes.as_of_at
),

similarity_tweets as (
    select tweet_id from {{ ref('sim_tweet_tweet') }}
    where scope = 'backtest'
    union
    select neighbour_tweet_id as tweet_id from {{ ref('sim_tweet_tweet') }}
    where scope = 'backtest'
),

similarity_violations as (
    select
        'sim_tweet_tweet' as violating_model,
        similarity_tweets.tweet_id
    from similarity_tweets
    left join known_tweets
        on similarity_tweets.tweet_id = known_tweets.tweet_id
    where known_tweets.tweet_id is null
),

scoring_violations as (
    select
        'feat_scoring_candidates' as violating_model,
        scoring.tweet_id
    from {{ ref('feat_scoring_candidates') }} as scoring
    cross join scopes
    where scoring.scope = 'backtest' and scoring.as_of_at <> scopes.as_of_at
)

select * from similarity_violations
union all
select * from scoring_violations
