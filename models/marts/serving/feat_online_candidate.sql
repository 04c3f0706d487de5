{#- The online store's retrieval part of a feature vector: one row per
    (user, tweet) candidate retrieval proposed at the serving as-of time, with
    its retrieval features (ml_source_feature_columns) and the sources that
    proposed it. A pair not here was not retrieved: NULL retrieval features,
    as the logged training rows have. -#}

with

candidates as (
    select * from {{ ref('fct_candidates') }}
    where scope = 'serving'
),

final as (
    select
        cast(candidates.user_id as bigint) as user_id,
        cast(candidates.tweet_id as bigint) as tweet_id,
        cast(candidates.sources as string) as candidate_sources,
        {{ ml_source_feature_select_list('candidates') }}
    from candidates
)

select * from final
