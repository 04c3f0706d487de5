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
-- as-of time; only events strictly before the as-of time.
weighted_engagements as (
    select
        scopes.scope,
        engagements.user_id,
        engagements.tweet_id,
        {{ ml_engagement_weight('engagements.event_type') }}
        * {{ ml_decay_factor('engagements.event_at', 'scopes.as_of_at') }} as decayed_weight
    from engagements
    inner join scopes
        on engagements.event_at < scopes.as_of_at
),

-- One row per tweet the user engaged with: these are also the tweets that
-- can never be the user's candidates.
affinities as (
    select
        scope,
        user_id,
        tweet_id,
        sum(decayed_weight) as affinity
    from weighted_engagements
    group by scope, user_id, tweet_id
),

propagated as (
    select
        affinities.scope,
        affinities.user_id,
        neighbours.neighbour_tweet_id as tweet_id,
        sum(affinities.affinity * neighbours.cosine) as raw_score
    from affinities
    inner join neighbours
        on
            affinities.scope = neighbours.scope
            and affinities.tweet_id = neighbours.tweet_id
    group by affinities.scope, affinities.user_id, neighbours.neighbour_tweet_id
),

not_yet_engaged as (
    select
        propagated.scope,
        propagated.user_id,
        propagated.tweet_id,
        -- Rounded so the parallel sum's last-bit noise cannot reorder ties.
        round(propagated.raw_score, 10) as candidate_score
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
        candidate_score,
        row_number() over (
            partition by scope, user_id
            order by candidate_score desc, tweet_id asc
        ) as candidate_rank
    from not_yet_engaged
),

final as (
    select
        cast(scope as varchar) as scope,
        cast(user_id as bigint) as user_id,
        cast(tweet_id as bigint) as tweet_id,
        cast(candidate_score as double) as candidate_score,
        cast(candidate_rank as bigint) as candidate_rank
    from ranked
    where candidate_rank <= {{ var('candidates_per_user') }}
)

select * from final
