with

engagements as (
    select
        user_id,
        tweet_id,
        event_type,
        event_at
    from {{ ref('fct_engagements') }}
    where
        is_engagement
        and not is_bot_user
),

scopes as (
    select
        scope,
        as_of_at
    from {{ ref('int_ml_scopes') }}
),

neighbours as (
    select
        scope,
        tweet_id,
        neighbour_tweet_id,
        cosine
    from {{ ref('sim_tweet_tweet') }}
),

-- Each engagement weighted by its type and decayed by its age at the scope's
-- as-of time; only events strictly before the as-of time. Everything below
-- is in log2 space (macro ml_log2_sum_exp2): over a long history the decay
-- factors underflow, and scores would tie at 0 and rank by tweet id.
weighted_engagements as (
    select
        scopes.scope,
        engagements.user_id,
        engagements.tweet_id,
        {{ ml_engagement_weight('engagements.event_type') }} as weight,
        {{ ml_log2_decay('engagements.event_at', 'scopes.as_of_at') }} as log2_decay,
        max({{ ml_log2_decay('engagements.event_at', 'scopes.as_of_at') }}) over (
            partition by scopes.scope, engagements.user_id, engagements.tweet_id
        ) as log2_decay_anchor
    from engagements
    inner join scopes
        on engagements.event_at < scopes.as_of_at
),

-- One row per tweet the user engaged with: these are also the tweets that
-- can never be the user's candidates. log2_affinity = log2(sum of weight *
-- decay factor).
affinities as (
    select
        scope,
        user_id,
        tweet_id,
        {{ ml_log2_sum_exp2('log2_decay', 'log2_decay_anchor', 'weight') }} as log2_affinity
    from weighted_engagements
    group by scope, user_id, tweet_id
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
        round(propagated.log2_raw_score, 9) + 0.0 as log2_candidate_score
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
        cast(scope as varchar) as scope,
        cast(user_id as bigint) as user_id,
        cast(tweet_id as bigint) as tweet_id,
        cast(power(cast(2 as double), log2_candidate_score) as double) as candidate_score,
        cast(log2_candidate_score as double) as log2_candidate_score,
        cast(candidate_rank as bigint) as candidate_rank
    from ranked
    where candidate_rank <= {{ candidate_quota('item_similarity') }}
)

select * from final
