-- The full thresholded pair set is symmetric: (i, j) is there exactly when
-- (j, i) is, with co_users, cosine and jaccard equal and n_i / n_j swapped.
-- Returns every pair without a matching mirror.
with

pairs as (
    select * from {{ ref('int_sim_tweet_pairs') }}
),

unmatched as (
    select
        pairs.scope,
        pairs.tweet_id,
        pairs.neighbour_tweet_id
    from pairs
    left join pairs as mirrored
        on
            pairs.scope = mirrored.scope
            and pairs.tweet_id = mirrored.neighbour_tweet_id
            and pairs.neighbour_tweet_id = mirrored.tweet_id
            and pairs.co_users = mirrored.co_users
            and pairs.n_tweet = mirrored.n_neighbour
            and pairs.n_neighbour = mirrored.n_tweet
            and pairs.cosine = mirrored.cosine
            and pairs.jaccard = mirrored.jaccard
    where mirrored.tweet_id is null
)

select * from unmatched
