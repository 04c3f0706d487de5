-- Built for 10M events: the per-type counts are one aggregate over the events,
-- and engaged_users counts the distinct (tweet, user) pairs of the engagement
-- rows only (a count(distinct) over every event would hash every impression's
-- user too). Each import reads fct_engagements with its own filter, so the
-- events are not materialised once for both uses.
with

tweets as (
    select
        tweet_id,
        author_id,
        created_at,
        topic,
        has_media,
        is_deleted
    from {{ ref('dim_tweets') }}
),

events as (
    select
        tweet_id,
        event_type,
        is_engagement,
        event_at
    from {{ ref('fct_engagements') }}
    where not is_bot_user
),

engagement_events as (
    select
        tweet_id,
        user_id,
        event_at
    from {{ ref('fct_engagements') }}
    where
        not is_bot_user
        and is_engagement
),

serving as (
    select as_of_at from {{ ref('int_ml_scopes') }}
    where scope = 'serving'
),

tweet_events as (
    select
        events.tweet_id,
        count(case when events.event_type = 'impression' then 1 end) as impressions,
        count(case when events.is_engagement then 1 end) as engagements,
        {%- for t in ml_event_types() if t['event_type'] != 'impression' %}
            count(case when events.event_type = '{{ t["event_type"] }}' then 1 end) as {{ t['stem'] }},
        {%- endfor %}
        count(
            case
                when
                    events.is_engagement
                    and events.event_at >= {{ ml_dateadd('hour', '-24', 'serving.as_of_at') }}
                    then 1
            end
        ) as engagements_last_24h
    from events
    cross join serving
    where events.event_at < serving.as_of_at
    group by events.tweet_id
),

engaged_pairs as (
    select
        engagement_events.tweet_id,
        engagement_events.user_id
    from engagement_events
    cross join serving
    where engagement_events.event_at < serving.as_of_at
    group by engagement_events.tweet_id, engagement_events.user_id
),

tweet_engaged_users as (
    -- count(user_id): a NULL user is not a user, as in count(distinct user_id).
    select
        tweet_id,
        count(user_id) as engaged_users
    from engaged_pairs
    group by tweet_id
),

joined as (
    select
        tweets.tweet_id,
        tweets.author_id,
        tweets.topic,
        tweets.has_media,
        tweets.is_deleted,
        tweets.created_at,
        serving.as_of_at,
        {{ ml_hours_between('tweets.created_at', 'serving.as_of_at') }} as tweet_age_hours,
        coalesce(tweet_events.impressions, 0) as impressions,
        coalesce(tweet_events.engagements, 0) as engagements,
        {%- for t in ml_event_types() if t['event_type'] != 'impression' %}
            coalesce(tweet_events.{{ t['stem'] }}, 0) as {{ t['stem'] }},
        {%- endfor %}
        coalesce(tweet_engaged_users.engaged_users, 0) as engaged_users,
        coalesce(tweet_events.engagements_last_24h, 0) as engagements_last_24h
    from tweets
    cross join serving
    left join tweet_events
        on tweets.tweet_id = tweet_events.tweet_id
    left join tweet_engaged_users
        on tweets.tweet_id = tweet_engaged_users.tweet_id
),

final as (
    select
        cast(tweet_id as bigint) as tweet_id,
        cast(author_id as bigint) as author_id,
        topic,
        has_media,
        is_deleted,
        created_at,
        as_of_at,
        tweet_age_hours,
        cast(impressions as bigint) as impressions,
        cast(engagements as bigint) as engagements,
        {%- for t in ml_event_types() if t['event_type'] != 'impression' %}
            cast({{ t['stem'] }} as bigint) as {{ t['stem'] }},
        {%- endfor %}
        cast(engaged_users as bigint) as engaged_users,
        cast(engagements_last_24h as bigint) as engagements_last_24h,
        {{ ml_safe_divide('engagements', 'impressions') }} as engagement_rate,
        {{ ml_engagement_velocity('engagements', 'tweet_age_hours') }} as engagement_velocity
    from joined
)

select * from final
