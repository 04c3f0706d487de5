{#- One row per scope, user and candidate tweet: the sources' lists merged
    by reciprocal rank fusion (Cormack et al., 2009): a tweet's retrieval
    score is the sum over the sources that offered it of
    1 / (candidate_rrf_k + source rank), so a tweet near the top of any list,
    or on several lists, comes first, and no source's raw score scale has to
    be compared with another's. Each user keeps the candidates_per_user
    best (ties: smaller tweet_id). -#}

with

sources as (
    select
        scope,
        user_id,
        tweet_id,
        source,
        source_score,
        source_rank
    from {{ ref('fct_candidate_sources') }}
),

-- One row per candidate with its rank in each source (a plain hash
-- aggregate: no per-group string sort).
pivoted as (
    select
        scope,
        user_id,
        tweet_id,
        max(case when source = 'item_similarity' then source_rank end) as item_similarity_rank,
        max(case when source = 'followed_authors' then source_rank end) as followed_authors_rank,
        max(case when source = 'topic_popularity' then source_rank end) as topic_popularity_rank,
        max(case when source = 'co_engagement' then source_rank end) as co_engagement_rank,
        max(case when source = 'cold_start' then source_rank end) as cold_start_rank
    from sources
    group by scope, user_id, tweet_id
),

-- The fusion sum and the source list in a fixed source order, so they do not
-- depend on the order rows arrive in.
fused as (
    select
        *,
        coalesce(1.0 / ({{ var('candidate_rrf_k') }} + item_similarity_rank), 0)
        + coalesce(1.0 / ({{ var('candidate_rrf_k') }} + followed_authors_rank), 0)
        + coalesce(1.0 / ({{ var('candidate_rrf_k') }} + topic_popularity_rank), 0)
        + coalesce(1.0 / ({{ var('candidate_rrf_k') }} + co_engagement_rank), 0)
        + coalesce(1.0 / ({{ var('candidate_rrf_k') }} + cold_start_rank), 0) as retrieval_score,
        case when item_similarity_rank is not null then 1 else 0 end
        + case when followed_authors_rank is not null then 1 else 0 end
        + case when topic_popularity_rank is not null then 1 else 0 end
        + case when co_engagement_rank is not null then 1 else 0 end
        + case when cold_start_rank is not null then 1 else 0 end as n_sources,
        concat_ws(
            ',',
            case when co_engagement_rank is not null then 'co_engagement' end,
            case when cold_start_rank is not null then 'cold_start' end,
            case when followed_authors_rank is not null then 'followed_authors' end,
            case when item_similarity_rank is not null then 'item_similarity' end,
            case when topic_popularity_rank is not null then 'topic_popularity' end
        ) as sources
    from pivoted
),

ranked as (
    select
        *,
        row_number() over (
            partition by scope, user_id
            order by {{ ml_round('retrieval_score', 12) }} desc, tweet_id asc
        ) as retrieval_rank
    from fused
),

final as (
    select
        cast(scope as string) as scope,
        cast(user_id as bigint) as user_id,
        cast(tweet_id as bigint) as tweet_id,
        cast({{ ml_round('retrieval_score', 12) }} as double) as retrieval_score,
        cast(retrieval_rank as bigint) as retrieval_rank,
        cast(n_sources as integer) as n_sources,
        cast(sources as string) as sources,
        cast(item_similarity_rank as bigint) as item_similarity_rank,
        cast(followed_authors_rank as bigint) as followed_authors_rank,
        cast(topic_popularity_rank as bigint) as topic_popularity_rank,
        cast(co_engagement_rank as bigint) as co_engagement_rank,
        cast(cold_start_rank as bigint) as cold_start_rank
    from ranked
    where retrieval_rank <= {{ var('candidates_per_user') }}
)

select * from final
