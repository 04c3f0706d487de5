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

engaged_pairs as (
    select
        actions.user_id,
        actions.author_id,
        count(case when actions.is_engagement then 1 end) as engagements,
        {%- for t in ml_event_types() if t['event_type'] != 'impression' %}
            count(case when actions.event_type = '{{ t["event_type"] }}' then 1 end) as {{ t['stem'] }},
        {%- endfor %}
        -- Rounded: a parallel double sum has no fixed order, and its last bit must
        -- not change between builds of the same data (determinism rule).
        round(
            sum(
                case
                    when actions.is_engagement
                        then {{ ml_engagement_weight('actions.event_type') }}
                            * {{ ml_decay_factor('actions.event_at', 'serving.as_of_at') }}
                    else 0
                end
            ),
            9
        ) as decayed_affinity,
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
        cast(engaged_pairs.decayed_affinity as double) as decayed_affinity,
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
    left join pair_impressions
        on
            engaged_pairs.user_id = pair_impressions.user_id
            and engaged_pairs.author_id = pair_impressions.author_id
)

select * from final
