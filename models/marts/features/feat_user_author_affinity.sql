with

events as (
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

pair_events as (
    select
        events.user_id,
        events.author_id,
        serving.as_of_at,
        count(case when events.event_type = 'impression' then 1 end) as impressions,
        count(case when events.is_engagement then 1 end) as engagements,
        {%- for t in ml_event_types() if t['event_type'] != 'impression' %}
            count(case when events.event_type = '{{ t["event_type"] }}' then 1 end) as {{ t['stem'] }},
        {%- endfor %}
        -- Rounded: a parallel double sum has no fixed order, and its last bit must
        -- not change between builds of the same data (determinism rule).
        round(
            sum(
                case
                    when events.is_engagement
                        then {{ ml_engagement_weight('events.event_type') }}
                            * {{ ml_decay_factor('events.event_at', 'serving.as_of_at') }}
                    else 0
                end
            ),
            9
        ) as decayed_affinity,
        max(case when events.is_engagement then events.event_at end) as last_engagement_at
    from events
    cross join serving
    where events.event_at < serving.as_of_at
    group by events.user_id, events.author_id, serving.as_of_at
),

edges as (
    select
        follower_id,
        followee_id
    from follows
    cross join serving
    where follows.followed_at < serving.as_of_at
    group by follower_id, followee_id
),

final as (
    select
        cast(pair_events.user_id as bigint) as user_id,
        cast(pair_events.author_id as bigint) as author_id,
        pair_events.as_of_at,
        cast(pair_events.impressions as bigint) as impressions,
        cast(pair_events.engagements as bigint) as engagements,
        {%- for t in ml_event_types() if t['event_type'] != 'impression' %}
            cast(pair_events.{{ t['stem'] }} as bigint) as {{ t['stem'] }},
        {%- endfor %}
        cast(pair_events.decayed_affinity as double) as decayed_affinity,
        pair_events.last_engagement_at,
        edges.follower_id is not null as follows_author
    from pair_events
    left join edges
        on
            pair_events.user_id = edges.follower_id
            and pair_events.author_id = edges.followee_id
    where pair_events.engagements > 0
)

select * from final
