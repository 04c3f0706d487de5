{{ config(schema='intermediate') }}

{#- Source 'cold_start': for a user with no engagement before the as-of time
    (signed up, maybe browsed, never engaged), the fresh tweets with the
    highest trend score across every topic: what is popular right now is
    the best guess with nothing to personalise on. Users who signed up after
    the as-of time do not exist yet in that scope. Bot users are not left
    out: whether a user is a bot is known only as of each event, and the
    evaluation and the serving policy drop them. -#}
{%- set quota = candidate_quota('cold_start') | int %}

with

scopes as (
    select
        scope,
        as_of_at,
        covers_every_user
    from {{ ref('int_ml_scopes') }}
),

-- The users of a scope that does not cover every user (the one place that
-- rule is applied, fct_candidate_sources, would drop the others' copies
-- later; the cold users are most users of a scope, so they are left out here
-- already).
scope_users as (
    select
        scope,
        user_id
    from {{ ref('int_ml_scope_users') }}
),

users as (
    select
        user_id,
        signup_at
    from {{ ref('dim_users') }}
),

engaged_users as (
    select distinct
        scope,
        user_id
    from {{ ref('int_candidate_user_history') }}
),

cold_users as (
    select
        scopes.scope,
        users.user_id
    from users
    inner join scopes
        on users.signup_at is null or users.signup_at < scopes.as_of_at
    left join engaged_users
        on
            scopes.scope = engaged_users.scope
            and users.user_id = engaged_users.user_id
    left join scope_users
        on
            scopes.scope = scope_users.scope
            and users.user_id = scope_users.user_id
    where
        engaged_users.user_id is null
        and (scopes.covers_every_user or scope_users.user_id is not null)
),

trending as (
    select
        scope,
        tweet_id,
        author_id,
        trend_score
    from (
        select
            scope,
            tweet_id,
            author_id,
            trend_score,
            row_number() over (partition by scope order by trend_score desc, tweet_id asc) as trend_rank
        from {{ ref('int_candidate_fresh_tweets') }}
    ) as ranked
    -- One spare per user's own tweet among them.
    where trend_rank <= {{ quota + 1 }}
),

final as (
    select
        cast(cold_users.scope as string) as scope,
        cast(cold_users.user_id as bigint) as user_id,
        cast(trending.tweet_id as bigint) as tweet_id,
        cast(trending.trend_score as double) as source_score
    from cold_users
    inner join trending
        on cold_users.scope = trending.scope
    where trending.author_id <> cold_users.user_id
)

select * from final
