{{ config(schema='intermediate') }}

{#- Every feature of a request (user, tweet, time T) is computed from data
    strictly before T (Feast's point-in-time rule). Event counts use one time
    line of events and requests per key: a request sorts before the events of
    the same instant, so the running sum it sees covers exactly the events
    with event_at < T. -#}
{%- set running = 'order by ts, is_event rows between unbounded preceding and current row' -%}
{%- set stems = ml_count_stems() -%}

with

requests as (
    select
        request_id,
        user_id,
        tweet_id,
        author_id,
        request_at,
        position
    from {{ ref('int_feature_requests') }}
),

tweets as (
    select
        tweet_id,
        created_at,
        topic,
        has_media
    from {{ ref('dim_tweets') }}
),

-- Bot traffic is excluded from every feature, as from training.
events as (
    select
        user_id,
        tweet_id,
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

user_daily as (
    select * from {{ ref('feat_user_daily') }}
),

request_tweets as (
    select
        requests.request_id,
        requests.user_id,
        requests.tweet_id,
        requests.author_id,
        requests.request_at,
        requests.position,
        tweets.created_at,
        tweets.topic,
        tweets.has_media
    from requests
    left join tweets
        on requests.tweet_id = tweets.tweet_id
),

event_topics as (
    select
        events.user_id,
        events.tweet_id,
        events.author_id,
        tweets.topic,
        events.event_type,
        events.is_engagement,
        events.event_at
    from events
    left join tweets
        on events.tweet_id = tweets.tweet_id
),

event_timeline as (
    select
        user_id,
        tweet_id,
        author_id,
        topic,
        event_at as ts,
        1 as is_event,
        cast(null as varchar) as request_id,
        case when event_type = 'impression' then 1 else 0 end as n_impressions,
        case when is_engagement then 1 else 0 end as n_engagements
    from event_topics
    union all
    select
        user_id,
        tweet_id,
        author_id,
        topic,
        request_at as ts,
        0 as is_event,
        request_id,
        0 as n_impressions,
        0 as n_engagements
    from request_tweets
),

event_running as (
    select
        request_id,
        is_event,
        sum(n_impressions) over (partition by tweet_id {{ running }}) as tweet_impressions,
        sum(n_engagements) over (partition by tweet_id {{ running }}) as tweet_engagements,
        sum(n_impressions) over (partition by author_id {{ running }}) as author_impressions,
        sum(n_engagements) over (partition by author_id {{ running }}) as author_engagements,
        sum(n_impressions) over (
            partition by user_id, author_id {{ running }}
        ) as user_author_impressions,
        sum(n_engagements) over (
            partition by user_id, author_id {{ running }}
        ) as user_author_engagements,
        sum(n_engagements) over (partition by user_id {{ running }}) as user_engagements,
        sum(n_engagements) over (partition by user_id, topic {{ running }}) as user_topic_engagements
    from event_timeline
),

event_counts as (
    select
        request_id,
        tweet_impressions,
        tweet_engagements,
        author_impressions,
        author_engagements,
        user_author_impressions,
        user_author_engagements,
        user_engagements,
        user_topic_engagements
    from event_running
    where is_event = 0
),

follow_timeline as (
    select
        follower_id as user_id,
        followee_id as author_id,
        followed_at as ts,
        1 as is_event,
        cast(null as varchar) as request_id,
        1 as n_follows
    from follows
    union all
    select
        user_id,
        author_id,
        request_at as ts,
        0 as is_event,
        request_id,
        0 as n_follows
    from request_tweets
),

follow_running as (
    select
        request_id,
        is_event,
        sum(n_follows) over (partition by author_id {{ running }}) as author_followers,
        sum(n_follows) over (partition by user_id {{ running }}) as user_following,
        sum(n_follows) over (partition by user_id, author_id {{ running }}) as follow_edges
    from follow_timeline
),

follow_counts as (
    select
        request_id,
        author_followers,
        user_following,
        follow_edges
    from follow_running
    where is_event = 0
),

-- The decayed user-author affinity depends on T itself, so it is a join of
-- each request to the user's earlier engagements with the author's tweets.
affinity as (
    select
        request_tweets.request_id,
        -- Rounded so the unordered parallel sum is bit-identical between builds.
        round(
            sum(
                {{ ml_engagement_weight('event_topics.event_type') }}
                * {{ ml_decay_factor('event_topics.event_at', 'request_tweets.request_at') }}
            ),
            9
        ) as user_author_affinity
    from request_tweets
    inner join event_topics
        on
            request_tweets.user_id = event_topics.user_id
            and request_tweets.author_id = event_topics.author_id
            and request_tweets.request_at > event_topics.event_at
    where event_topics.is_engagement
    group by request_tweets.request_id
),

-- Daily user features: the last day completed before T's day, so nothing of
-- T's own day (not even the part before T) is used.
with_user_daily as (
    select
        request_tweets.request_id,
        {%- for stem in stems %}
            {%- for days in [1, 7, 28] %}
                coalesce(user_daily.{{ stem }}_{{ days }}d, 0) as f_user_{{ stem }}_{{ days }}d,
            {%- endfor %}
            coalesce(user_daily.prev_day_{{ stem }}, 0) as f_user_prev_day_{{ stem }},
        {%- endfor %}
        user_daily.ctr_7d as f_user_ctr_7d,
        user_daily.ctr_28d as f_user_ctr_28d,
        user_daily.days_since_last_activity as f_user_days_since_last_activity,
        coalesce(user_daily.engagement_trend_7d, 0) as f_user_engagement_trend_7d,
        user_daily.engagement_trend_ratio_7d as f_user_engagement_trend_ratio_7d
    from request_tweets
    left join user_daily
        on
            request_tweets.user_id = user_daily.user_id
            and user_daily.activity_date
            = cast({{ ml_dateadd('day', '-1', 'cast(request_tweets.request_at as date)') }} as date)
),

joined as (
    select
        request_tweets.request_id,
        request_tweets.position as f_position,
        case
            when request_tweets.has_media then 1
            when not request_tweets.has_media then 0
        end as f_has_media,
        case when request_tweets.user_id = request_tweets.author_id then 1 else 0 end as f_is_own_tweet,
        {{ ml_hours_between('request_tweets.created_at', 'request_tweets.request_at') }}
            as f_tweet_age_hours,
        event_counts.tweet_impressions as f_tweet_impressions,
        event_counts.tweet_engagements as f_tweet_engagements,
        {{ ml_safe_divide('event_counts.tweet_engagements', 'event_counts.tweet_impressions') }}
            as f_tweet_engagement_rate,
        {{ ml_engagement_velocity(
            'event_counts.tweet_engagements',
            ml_hours_between('request_tweets.created_at', 'request_tweets.request_at'),
        ) }} as f_tweet_engagement_velocity,
        event_counts.author_impressions as f_author_impressions,
        event_counts.author_engagements as f_author_engagements,
        {{ ml_safe_divide('event_counts.author_engagements', 'event_counts.author_impressions') }}
            as f_author_engagement_rate,
        follow_counts.author_followers as f_author_followers,
        case when follow_counts.follow_edges > 0 then 1 else 0 end as f_follows_author,
        follow_counts.user_following as f_user_following,
        event_counts.user_author_impressions as f_user_author_impressions,
        event_counts.user_author_engagements as f_user_author_engagements,
        coalesce(affinity.user_author_affinity, 0) as f_user_author_affinity,
        event_counts.user_engagements as f_user_engagements,
        case
            when request_tweets.topic is not null then event_counts.user_topic_engagements
        end as f_user_topic_engagements,
        case
            when request_tweets.topic is not null
                then {{ ml_safe_divide(
                    'event_counts.user_topic_engagements',
                    'event_counts.user_engagements',
                ) }}
        end as f_user_topic_share,
        {%- for column in ml_feature_columns() if column.get('daily') %}
            with_user_daily.{{ column['name'] }},
        {%- endfor %}
        request_tweets.request_at
    from request_tweets
    left join event_counts
        on request_tweets.request_id = event_counts.request_id
    left join follow_counts
        on request_tweets.request_id = follow_counts.request_id
    left join affinity
        on request_tweets.request_id = affinity.request_id
    left join with_user_daily
        on request_tweets.request_id = with_user_daily.request_id
),

final as (
    select
        cast(request_id as varchar) as request_id,
        {{ ml_feature_casts() }}
    from joined
)

select * from final
