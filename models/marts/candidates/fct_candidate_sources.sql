{#- One row per scope, user, tweet and retrieval source: every source's
    candidates in one place, where the rules that apply to all of them are
    kept once. With exclude_seen_items (the default) a tweet the user
    engaged with before the as-of time is never a candidate (the item
    similarity source removes those itself, always). Each source's rows are
    ranked per user by its score (ties: smaller tweet_id) and cut at its
    quota in candidate_sources. -#}
{%- set sources = var('candidate_sources') %}

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

unioned as (
    {%- for source in sources %}
        select
            scope,
            user_id,
            tweet_id,
            source_score,
            '{{ source }}' as source
        from {{ source }}
        {{- "\n        union all" if not loop.last }}
    {%- endfor %}
),

unseen as (
    select unioned.*
    from unioned
    {%- if var('exclude_seen_items') %}
        left join seen
            on
                unioned.scope = seen.scope
                and unioned.user_id = seen.user_id
                and unioned.tweet_id = seen.tweet_id
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
        cast(ranked.scope as varchar) as scope,
        cast(ranked.user_id as bigint) as user_id,
        cast(ranked.tweet_id as bigint) as tweet_id,
        cast(ranked.source as varchar) as source,
        cast(ranked.source_score as double) as source_score,
        cast(ranked.source_rank as bigint) as source_rank
    from ranked
    where
        {%- for source, quota in sources.items() %}
            (ranked.source = '{{ source }}' and ranked.source_rank <= {{ quota }})
            {{- "\n            or" if not loop.last }}
        {%- endfor %}
)

select * from final
