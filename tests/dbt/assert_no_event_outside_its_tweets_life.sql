{{ config(meta={'dagster': {'ref': {'name': 'fct_engagements'}}}) }}
-- Point-in-time safety: no clean event happened before its tweet was posted or
-- after it was deleted (staging quarantines both). Returns offending events.
with

engagements as (
    select * from {{ ref('fct_engagements') }}
),

tweets as (
    select * from {{ ref('dim_tweets') }}
),

failures as (
    select
        engagements.event_id,
        engagements.event_at,
        tweets.created_at,
        tweets.deleted_at
    from engagements
    inner join tweets
        on engagements.tweet_id = tweets.tweet_id
    where
        engagements.event_at < tweets.created_at
        or engagements.event_at > tweets.deleted_at
)

select * from failures
