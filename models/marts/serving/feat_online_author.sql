{#- The online store's author part of a feature vector, for every author of a
    tweet live at the serving as-of time T, with int_point_in_time_features'
    rules: non-bot impressions and engagements of the author's tweets and the
    follow edges to the author, strictly before T. -#}

with

serving as (
    select as_of_at from {{ ref('int_ml_scopes') }}
    where scope = 'serving'
),

authors as (
    select distinct author_id from {{ ref('feat_online_tweet') }}
),

events as (
    select
        author_id,
        event_type,
        is_engagement,
        event_at
    from {{ ref('fct_engagements') }}
    where not is_bot_user
),

follows as (
    select
        followee_id,
        followed_at
    from {{ ref('stg_social__follows') }}
),

author_counts as (
    select
        events.author_id,
        sum(case when events.event_type = 'impression' then 1 else 0 end) as impressions,
        sum(case when events.is_engagement then 1 else 0 end) as engagements
    from events
    cross join serving
    where events.event_at < serving.as_of_at
    group by events.author_id
),

follower_counts as (
    select
        follows.followee_id as author_id,
        count(*) as followers
    from follows
    cross join serving
    where follows.followed_at < serving.as_of_at
    group by follows.followee_id
),

joined as (
    select
        authors.author_id,
        serving.as_of_at,
        coalesce(author_counts.impressions, 0) as f_author_impressions,
        coalesce(author_counts.engagements, 0) as f_author_engagements,
        {{ ml_safe_divide(
            'coalesce(author_counts.engagements, 0)', 'coalesce(author_counts.impressions, 0)',
        ) }} as f_author_engagement_rate,
        coalesce(follower_counts.followers, 0) as f_author_followers
    from authors
    cross join serving
    left join author_counts
        on authors.author_id = author_counts.author_id
    left join follower_counts
        on authors.author_id = follower_counts.author_id
),

final as (
    select
        cast(author_id as bigint) as author_id,
        cast(as_of_at as timestamp) as as_of_at,
        {{ ml_feature_casts([
            'f_author_impressions', 'f_author_engagements', 'f_author_engagement_rate',
            'f_author_followers',
        ]) }}
    from joined
)

select * from final
