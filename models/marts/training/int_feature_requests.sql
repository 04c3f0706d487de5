{{ config(schema='intermediate') }}

with

impressions as (
    select
        event_id,
        user_id,
        tweet_id,
        author_id,
        event_at,
        position
    from {{ ref('fct_engagements') }}
    where
        event_type = 'impression'
        and not is_bot_user
),

time_windows as (
    select label_cutoff_at from {{ ref('int_ml_time_windows') }}
),

candidates as (
    select
        scope,
        user_id,
        tweet_id
    from {{ ref('sim_user_tweet_candidates') }}
),

scopes as (
    select
        scope,
        as_of_at
    from {{ ref('int_ml_scopes') }}
),

tweets as (
    select
        tweet_id,
        author_id
    from {{ ref('dim_tweets') }}
),

-- Training requests: every non-bot impression whose label horizon ends
-- within the data (later ones would get a falsely negative label).
impression_requests as (
    select
        impressions.event_id as request_id,
        'impression' as request_kind,
        cast(null as varchar) as scope,
        impressions.user_id,
        impressions.tweet_id,
        impressions.author_id,
        impressions.event_at as request_at,
        impressions.position
    from impressions
    cross join time_windows
    where impressions.event_at <= time_windows.label_cutoff_at
),

-- Scoring requests: every candidate at its scope's as-of time. The slot it
-- will be shown in is unknown, so it is scored as if shown first (position 0),
-- the usual way to take position bias out of a ranking score.
candidate_requests as (
    select
        candidates.scope
        || ':' || cast(candidates.user_id as varchar)
        || ':' || cast(candidates.tweet_id as varchar) as request_id,
        'candidate' as request_kind,
        candidates.scope,
        candidates.user_id,
        candidates.tweet_id,
        tweets.author_id,
        scopes.as_of_at as request_at,
        0 as position
    from candidates
    inner join scopes
        on candidates.scope = scopes.scope
    inner join tweets
        on candidates.tweet_id = tweets.tweet_id
),

unioned as (
    select * from impression_requests
    union all
    select * from candidate_requests
),

final as (
    select
        cast(request_id as varchar) as request_id,
        cast(request_kind as varchar) as request_kind,
        cast(scope as varchar) as scope,
        cast(user_id as bigint) as user_id,
        cast(tweet_id as bigint) as tweet_id,
        cast(author_id as bigint) as author_id,
        cast(request_at as timestamp) as request_at,
        cast(position as integer) as position
    from unioned
)

select * from final
