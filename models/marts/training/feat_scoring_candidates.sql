with

candidates as (
    select
        scope,
        user_id,
        tweet_id,
        retrieval_score,
        retrieval_rank,
        n_sources,
        sources,
        item_similarity_rank,
        followed_authors_rank,
        topic_popularity_rank,
        co_engagement_rank,
        cold_start_rank
    from {{ ref('fct_candidates') }}
),

requests as (
    select
        request_id,
        scope,
        user_id,
        tweet_id,
        author_id,
        request_at
    from {{ ref('int_feature_requests') }}
    where request_kind = 'candidate'
),

features as (
    select * from {{ ref('int_point_in_time_features') }}
),

final as (
    select
        cast(candidates.scope as varchar) as scope,
        cast(candidates.user_id as bigint) as user_id,
        cast(candidates.tweet_id as bigint) as tweet_id,
        cast(requests.author_id as bigint) as author_id,
        cast(requests.request_at as timestamp) as as_of_at,
        cast(candidates.retrieval_score as double) as candidate_score,
        cast(candidates.retrieval_rank as bigint) as candidate_rank,
        cast(candidates.sources as varchar) as candidate_sources,
        {{ ml_feature_select_list('features') }},
        {{ ml_source_feature_select_list('candidates') }}
    from candidates
    inner join requests
        on
            candidates.scope = requests.scope
            and candidates.user_id = requests.user_id
            and candidates.tweet_id = requests.tweet_id
    inner join features
        on requests.request_id = features.request_id
)

select * from final
