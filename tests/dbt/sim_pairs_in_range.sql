-- Every pair of the full thresholded set has cosine and jaccard in (0, 1],
-- jaccard <= cosine (true for any two sets), co-occurrence within
-- [min_cooccurrence, min(n_i, n_j)], and the formulas hold on the counts.
with

pairs as (
    select * from {{ ref('int_sim_tweet_pairs') }}
),

violations as (
    select *
    from pairs
    where
        not (
            cosine > 0 and cosine <= 1
            and jaccard > 0 and jaccard <= 1
            and jaccard <= cosine + 1e-12
            and co_users >= {{ var('min_cooccurrence') }}
            and co_users <= least(n_tweet, n_neighbour)
            and abs(cosine - co_users / sqrt(cast(n_tweet as double) * n_neighbour)) < 1e-12
            and abs(jaccard - co_users / cast(n_tweet + n_neighbour - co_users as double)) < 1e-12
        )
)

select * from violations
