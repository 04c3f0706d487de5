with

neighbours as (
    select
        scope,
        tweet_id,
        neighbour_tweet_id,
        cosine
    from {{ ref('sim_tweet_tweet') }}
),

-- One row per tweet the user engaged with before the scope's as-of time, with
-- the user's decayed affinity to it in log2 space (int_candidate_user_history:
-- over a long history the decay factors underflow, and scores would tie at 0
-- and rank by tweet id). These are also the tweets that can never be the
-- user's candidates.
affinities as (
    select
        scope,
        user_id,
        tweet_id,
        log2_affinity
    from {{ ref('int_candidate_user_history') }}
),

-- log2(affinity * cosine) of each path from an engaged tweet to a neighbour,
-- and the largest such term per (user, neighbour): the log-sum-exp anchor.
propagation_terms as (
    select
        affinities.scope,
        affinities.user_id,
        neighbours.neighbour_tweet_id as tweet_id,
        affinities.log2_affinity + log2(neighbours.cosine) as log2_term,
        max(affinities.log2_affinity + log2(neighbours.cosine)) over (
            partition by affinities.scope, affinities.user_id, neighbours.neighbour_tweet_id
        ) as log2_anchor
    from affinities
    inner join neighbours
        on
            affinities.scope = neighbours.scope
            and affinities.tweet_id = neighbours.tweet_id
),

propagated as (
    select
        scope,
        user_id,
        tweet_id,
        {{ ml_log2_sum_exp2('log2_term', 'log2_anchor') }} as log2_raw_score
    from propagation_terms
    group by scope, user_id, tweet_id
),

not_yet_engaged as (
    select
        propagated.scope,
        propagated.user_id,
        propagated.tweet_id,
        -- Rounded so the parallel sum's last-bit noise cannot reorder ties (in
        -- log space 9 decimals are a relative precision of 6e-10 at any age);
        -- + 0.0 turns a rounded -0.0 into 0.0.
        {{ ml_round('propagated.log2_raw_score', 9) }} + 0.0 as log2_candidate_score
    from propagated
    left join affinities
        on
            propagated.scope = affinities.scope
            and propagated.user_id = affinities.user_id
            and propagated.tweet_id = affinities.tweet_id
    where affinities.tweet_id is null
),

ranked as (
    select
        scope,
        user_id,
        tweet_id,
        log2_candidate_score,
        row_number() over (
            partition by scope, user_id
            order by log2_candidate_score desc, tweet_id asc
        ) as candidate_rank
    from not_yet_engaged
),

final as (
    select
        cast(scope as string) as scope,
        cast(user_id as bigint) as user_id,
        cast(tweet_id as bigint) as tweet_id,
        cast(power(cast(2 as double), log2_candidate_score) as double) as candidate_score,
        cast(log2_candidate_score as double) as log2_candidate_score,
        cast(candidate_rank as bigint) as candidate_rank
    from ranked
    where candidate_rank <= {{ candidate_quota('item_similarity') }}
)

select * from final
