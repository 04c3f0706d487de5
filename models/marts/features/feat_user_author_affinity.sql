-- Built for 10M events: only pairs with an engagement survive, and impressions
-- are most rows, so the pairs are first found from the non-impression events
-- (the wide aggregate runs on ~40% of the rows) and impressions are counted
-- only for those pairs. Each import reads fct_engagements with its own filter,
-- so the events are not materialised once for both uses.
with

actions as (
    select
        user_id,
        author_id,
        event_type,
        is_engagement,
        event_at
    from {{ ref('fct_engagements') }}
    where
        not is_bot_user
        and user_id <> author_id
        and event_type <> 'impression'
),

impressions as (
    select
        user_id,
        author_id,
        event_at
    from {{ ref('fct_engagements') }}
    where
        not is_bot_user
        and user_id <> author_id
        and event_type = 'impression'
),

follows as (
    select
        follower_id,
        followee_id,
        followed_at
    from {{ ref('stg_social__follows') }}
),

serving as (
    select as_of_at from {{ ref('int_ml_scopes') }}
    where scope = 'serving'
),

-- The engagements before the as-of time, each with the log2 of its decay
-- factor and the largest of these in its pair (the pair's last engagement):
-- the anchor of the log-sum-exp in engaged_pairs.
decayed_engagements as (
    select
        actions.user_id,
        actions.author_id,
        {{ ml_engagement_weight('actions.event_type') }} as weight,
        {{ ml_log2_decay('actions.event_at', 'serving.as_of_at') }} as log2_decay,
        max({{ ml_log2_decay('actions.event_at', 'serving.as_of_at') }}) over (
            partition by actions.user_id, actions.author_id
        ) as log2_decay_anchor
    from actions
    cross join serving
    where
        actions.event_at < serving.as_of_at
        and actions.is_engagement
),

pair_affinities as (
    select
        user_id,
        author_id,
        -- Rounded: a parallel double sum has no fixed order, and its last bit must
        -- not change between builds of the same data (determinism rule). In log
        -- space 9 decimals are a relative precision of 6e-10 at any magnitude.
        {{ ml_round(ml_log2_sum_exp2('log2_decay', 'log2_decay_anchor', 'weight'), 9) }}
            as log2_decayed_affinity
    from decayed_engagements
    group by user_id, author_id
),

engaged_pairs as (
    select
        actions.user_id,
        actions.author_id,
        count(case when actions.is_engagement then 1 end) as engagements,
        {%- for t in ml_event_types() if t['event_type'] != 'impression' %}
            count(case when actions.event_type = '{{ t["event_type"] }}' then 1 end) as {{ t['stem'] }},
        {%- endfor %}
        max(case when actions.is_engagement then actions.event_at end) as last_engagement_at
    from actions
    cross join serving
    where actions.event_at < serving.as_of_at
    group by actions.user_id, actions.author_id
    having count(case when actions.is_engagement then 1 end) > 0
),

pair_impressions as (
    select
        impressions.user_id,
        impressions.author_id,
        count(*) as impressions
    from impressions
    cross join serving
    where
        impressions.event_at < serving.as_of_at
        and exists (
            select 1
            from engaged_pairs
            where
                engaged_pairs.user_id = impressions.user_id
                and engaged_pairs.author_id = impressions.author_id
        )
    group by impressions.user_id, impressions.author_id
),

edges as (
    select
        follows.follower_id,
        follows.followee_id
    from follows
    cross join serving
    where follows.followed_at < serving.as_of_at
),

final as (
    select
        cast(engaged_pairs.user_id as bigint) as user_id,
        cast(engaged_pairs.author_id as bigint) as author_id,
        serving.as_of_at,
        cast(coalesce(pair_impressions.impressions, 0) as bigint) as impressions,
        cast(engaged_pairs.engagements as bigint) as engagements,
        {%- for t in ml_event_types() if t['event_type'] != 'impression' %}
            cast(engaged_pairs.{{ t['stem'] }} as bigint) as {{ t['stem'] }},
        {%- endfor %}
        cast(pair_affinities.log2_decayed_affinity as double) as log2_decayed_affinity,
        cast(power(cast(2 as double), pair_affinities.log2_decayed_affinity) as double)
            as decayed_affinity,
        engaged_pairs.last_engagement_at,
        exists(
            select 1
            from edges
            where
                edges.follower_id = engaged_pairs.user_id
                and edges.followee_id = engaged_pairs.author_id
        ) as follows_author
    from engaged_pairs
    cross join serving
    inner join pair_affinities
        on
            engaged_pairs.user_id = pair_affinities.user_id
            and engaged_pairs.author_id = pair_affinities.author_id
    left join pair_impressions
        on
            engaged_pairs.user_id = pair_impressions.user_id
            and engaged_pairs.author_id = pair_impressions.author_id
)

select * from final
