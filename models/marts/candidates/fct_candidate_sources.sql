{#- One row per scope, user, tweet and retrieval source: every source's
    candidates in one place, where the rules that apply to all of them are
    kept once. With exclude_seen_items (the default) a tweet the user
    engaged with before the as-of time is never a candidate (the item
    similarity source removes those itself, always). A candidate must be live
    at the as-of time (created before it, not deleted at or before it): the
    item similarity source starts from tweets engaged with earlier, some of
    them deleted since. A scope that does not cover every user keeps only
    its users (int_ml_scope_users). Each source's rows are
    ranked per user by its score (ties: smaller tweet_id) and cut at its
    quota in candidate_sources. -#}

with

item_similarity as (
    select
        scope,
        user_id,
        tweet_id,
        log2_candidate_score as source_score
    from {{ ref('sim_user_tweet_candidates') }}
),

followed_authors as (
    select * from {{ ref('int_candidates_followed_authors') }}
),

topic_popularity as (
    select * from {{ ref('int_candidates_topic_popularity') }}
),

co_engagement as (
    select * from {{ ref('int_candidates_co_engagement') }}
),

cold_start as (
    select * from {{ ref('int_candidates_cold_start') }}
),

seen as (
    select
        scope,
        user_id,
        tweet_id
    from {{ ref('int_candidate_user_history') }}
),

scopes as (
    select
        scope,
        as_of_at,
        covers_every_user
    from {{ ref('int_ml_scopes') }}
),

tweets as (
    select
        tweet_id,
        created_at,
        deleted_at
    from {{ ref('dim_tweets') }}
),

scope_users as (
    select
        scope,
        user_id
    from {{ ref('int_ml_scope_users') }}
),

unioned as (
    select
        scope,
        user_id,
        tweet_id,
        source_score,
        'item_similarity' as source
    from item_similarity
    union all
    select
        scope,
        user_id,
        tweet_id,
        source_score,
        'followed_authors' as source
    from followed_authors
    union all
    select
        scope,
        user_id,
        tweet_id,
        source_score,
        'topic_popularity' as source
    from topic_popularity
    union all
    select
        scope,
        user_id,
        tweet_id,
        source_score,
        'co_engagement' as source
    from co_engagement
    union all
    select
        scope,
        user_id,
        tweet_id,
        source_score,
        'cold_start' as source
    from cold_start
),

targeted as (
    select unioned.*
    from unioned
    inner join scopes
        on unioned.scope = scopes.scope
    inner join tweets
        on unioned.tweet_id = tweets.tweet_id
    left join scope_users
        on
            unioned.scope = scope_users.scope
            and unioned.user_id = scope_users.user_id
    where
        (scopes.covers_every_user or scope_users.user_id is not null)
        and tweets.created_at < scopes.as_of_at
        and (tweets.deleted_at is null or tweets.deleted_at > scopes.as_of_at)
),

unseen as (
    select targeted.*
    from targeted
    {%- if var('exclude_seen_items') %}
    left join seen
        on
            targeted.scope = seen.scope
            and targeted.user_id = seen.user_id
            and targeted.tweet_id = seen.tweet_id
    where seen.tweet_id is null
    {%- endif %}
),

ranked as (
    select
        scope,
        user_id,
        tweet_id,
        source,
        source_score,
        row_number() over (
            partition by scope, user_id, source
            order by source_score desc, tweet_id asc
        ) as source_rank
    from unseen
),

final as (
    select
        cast(ranked.scope as string) as scope,
        cast(ranked.user_id as bigint) as user_id,
        cast(ranked.tweet_id as bigint) as tweet_id,
        cast(ranked.source as string) as source,
        cast(ranked.source_score as double) as source_score,
        cast(ranked.source_rank as bigint) as source_rank
    from ranked
    where ranked.source_rank <= case ranked.source
            when 'item_similarity' then {{ candidate_quota('item_similarity') }}
            when 'followed_authors' then {{ candidate_quota('followed_authors') }}
            when 'topic_popularity' then {{ candidate_quota('topic_popularity') }}
            when 'co_engagement' then {{ candidate_quota('co_engagement') }}
            when 'cold_start' then {{ candidate_quota('cold_start') }}
        end
)

select * from final
