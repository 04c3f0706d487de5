with

pairs as (
    select * from {{ ref('int_sim_tweet_pairs') }}
),

-- Cosine is rounded to 12 places for ordering only, so two mathematically
-- equal scores that differ in the last bit still tie and the smaller
-- neighbour id wins, as the spec says.
ranked as (
    select
        scope,
        tweet_id,
        neighbour_tweet_id,
        n_tweet,
        n_neighbour,
        co_users,
        cosine,
        jaccard,
        row_number() over (
            partition by scope, tweet_id
            order by {{ ml_round('cosine', 12) }} desc, neighbour_tweet_id asc
        ) as neighbour_rank
    from pairs
),

final as (
    select
        cast(scope as string) as scope,
        cast(tweet_id as bigint) as tweet_id,
        cast(neighbour_tweet_id as bigint) as neighbour_tweet_id,
        cast(n_tweet as bigint) as n_tweet,
        cast(n_neighbour as bigint) as n_neighbour,
        cast(co_users as bigint) as co_users,
        cast(cosine as double) as cosine,
        cast(jaccard as double) as jaccard,
        cast(neighbour_rank as bigint) as neighbour_rank
    from ranked
    where neighbour_rank <= {{ var('neighbours_k') }}
)

select * from final
