{#- The scored candidates' requests of int_point_in_time_features, which
    carry each candidate's retrieval columns from fct_candidates: no join
    back to the candidates (see ml_request_retrieval_columns). -#}

with

features as (
    select *
    from {{ ref('int_point_in_time_features') }}
    where request_kind = 'candidate'
),

final as (
    select
        cast(features.scope as string) as scope,
        cast(features.user_id as bigint) as user_id,
        cast(features.tweet_id as bigint) as tweet_id,
        cast(features.author_id as bigint) as author_id,
        cast(features.request_at as timestamp) as as_of_at,
        cast(features.retrieval_score as double) as candidate_score,
        cast(features.retrieval_rank as bigint) as candidate_rank,
        cast(features.sources as string) as candidate_sources,
        {{ ml_feature_select_list('features') }},
        {{ ml_source_feature_select_list('features') }}
    from features
)

select * from final
