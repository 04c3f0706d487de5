{{ config(schema='intermediate') }}

with

engagements as (
    select
        user_id,
        tweet_id,
        event_at
    from {{ ref('fct_engagements') }}
    where
        is_engagement
        and not is_bot_user
),

scopes as (
    select
        scope,
        as_of_at
    from {{ ref('int_ml_scopes') }}
),

-- Each scope sees only the events strictly before its as-of time.
scoped_engagements as (
    select
        scopes.scope,
        engagements.user_id,
        engagements.tweet_id,
        engagements.event_at
    from engagements
    inner join scopes
        on engagements.event_at < scopes.as_of_at
),

user_tweets as (
    select
        scope,
        user_id,
        tweet_id,
        max(event_at) as last_engaged_at
    from scoped_engagements
    group by scope, user_id, tweet_id
),

ranked as (
    select
        scope,
        user_id,
        tweet_id,
        last_engaged_at,
        row_number() over (
            partition by scope, user_id
            order by last_engaged_at desc, tweet_id asc
        ) as history_rank
    from user_tweets
),

final as (
    select
        scope,
        user_id,
        tweet_id,
        last_engaged_at,
        history_rank
    from ranked
    where history_rank <= {{ var('history_cap') }}
)

select * from final
