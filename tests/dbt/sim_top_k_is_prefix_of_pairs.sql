{{ config(meta={'dagster': {'ref': {'name': 'sim_tweet_tweet'}}}) }}
-- sim_tweet_tweet keeps, per scope and tweet, exactly min(neighbours_k,
-- number of pairs) neighbours, all from the full pair set, and no dropped
-- pair beats a kept one. Returns each violating tweet.
with

pairs as (
    select * from {{ ref('int_sim_tweet_pairs') }}
),

kept as (
    select * from {{ ref('sim_tweet_tweet') }}
),

pair_counts as (
    select
        scope,
        tweet_id,
        count(*) as n_pairs
    from pairs
    group by scope, tweet_id
),

kept_stats as (
    select
        scope,
        tweet_id,
        count(*) as n_kept,
        min(cosine) as worst_kept_cosine
    from kept
    group by scope, tweet_id
),

dropped as (
    select
        pairs.scope,
        pairs.tweet_id,
        max(pairs.cosine) as best_dropped_cosine
    from pairs
    left join kept
        on
            pairs.scope = kept.scope
            and pairs.tweet_id = kept.tweet_id
            and pairs.neighbour_tweet_id = kept.neighbour_tweet_id
    where kept.tweet_id is null
    group by pairs.scope, pairs.tweet_id
),

violations as (
    select
        pair_counts.scope,
        pair_counts.tweet_id,
        pair_counts.n_pairs,
        kept_stats.n_kept,
        kept_stats.worst_kept_cosine,
        dropped.best_dropped_cosine
    from pair_counts
    left join kept_stats
        on
            pair_counts.scope = kept_stats.scope
            and pair_counts.tweet_id = kept_stats.tweet_id
    left join dropped
        on
            pair_counts.scope = dropped.scope
            and pair_counts.tweet_id = dropped.tweet_id
    where
        coalesce(kept_stats.n_kept, 0) <> least(pair_counts.n_pairs, {{ var('neighbours_k') }})
        or dropped.best_dropped_cosine > kept_stats.worst_kept_cosine + 1e-12
)

select * from violations
