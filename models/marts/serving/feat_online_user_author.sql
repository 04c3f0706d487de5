{#- The online store's user-author part of a feature vector: one row per
    (user, author) pair with any history strictly before the serving as-of
    time T (a non-bot impression or engagement of the user with the author's
    tweets, or a follow edge from the user to the author), with
    int_point_in_time_features' rules. A pair not here has no history: its
    counts, follow flag and affinity are all 0. -#}

with

serving as (
    select as_of_at from {{ ref('int_ml_scopes') }}
    where scope = 'serving'
),

events as (
    select
        user_id,
        author_id,
        event_type,
        is_engagement,
        event_at
    from {{ ref('fct_engagements') }}
    where not is_bot_user
),

follows as (
    select
        follower_id,
        followee_id,
        followed_at
    from {{ ref('stg_social__follows') }}
),

earlier_events as (
    select
        events.user_id,
        events.author_id,
        events.event_type,
        events.is_engagement,
        {{ ml_log2_decay('events.event_at', 'serving.as_of_at') }} as log2_decay
    from events
    cross join serving
    where events.event_at < serving.as_of_at
),

-- Pairs whose events count for something: other event types (negative
-- feedback, say) alone leave every feature at 0, as no row does.
event_counts as (
    select
        user_id,
        author_id,
        sum(case when event_type = 'impression' then 1 else 0 end) as impressions,
        sum(case when is_engagement then 1 else 0 end) as engagements
    from earlier_events
    group by user_id, author_id
    having
        sum(case when event_type = 'impression' then 1 else 0 end)
        + sum(case when is_engagement then 1 else 0 end) > 0
),

-- The decayed affinity, anchored on the pair's youngest engagement.
decayed_engagements as (
    select
        user_id,
        author_id,
        {{ ml_engagement_weight('event_type') }} as weight,
        log2_decay,
        max(log2_decay) over (partition by user_id, author_id) as log2_decay_anchor
    from earlier_events
    where is_engagement
),

affinities as (
    select
        user_id,
        author_id,
        {{ ml_decayed_affinity('log2_decay', 'log2_decay_anchor', 'weight') }} as affinity
    from decayed_engagements
    group by user_id, author_id
),

follow_counts as (
    select
        follows.follower_id as user_id,
        follows.followee_id as author_id,
        count(*) as follow_edges
    from follows
    cross join serving
    where follows.followed_at < serving.as_of_at
    group by follows.follower_id, follows.followee_id
),

pairs as (
    select
        user_id,
        author_id
    from event_counts
    union
    select
        user_id,
        author_id
    from follow_counts
),

joined as (
    select
        pairs.user_id,
        pairs.author_id,
        coalesce(event_counts.impressions, 0) as f_user_author_impressions,
        coalesce(event_counts.engagements, 0) as f_user_author_engagements,
        case when follow_counts.follow_edges > 0 then 1 else 0 end as f_follows_author,
        coalesce(affinities.affinity, 0) as f_user_author_affinity
    from pairs
    left join event_counts
        on
            pairs.user_id = event_counts.user_id
            and pairs.author_id = event_counts.author_id
    left join follow_counts
        on
            pairs.user_id = follow_counts.user_id
            and pairs.author_id = follow_counts.author_id
    left join affinities
        on
            pairs.user_id = affinities.user_id
            and pairs.author_id = affinities.author_id
),

final as (
    select
        cast(user_id as bigint) as user_id,
        cast(author_id as bigint) as author_id,
        {{ ml_feature_casts([
            'f_follows_author', 'f_user_author_impressions', 'f_user_author_engagements',
            'f_user_author_affinity',
        ]) }}
    from joined
)

select * from final
