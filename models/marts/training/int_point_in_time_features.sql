{{ config(schema='intermediate', **stream_request_incremental()) }}

{#- Every feature of a request (user, tweet, time T) is computed from data
    strictly before T (Feast's point-in-time rule): the counts of earlier
    events and follows come from int_pit_activity_counts, the decayed
    user-author affinity from the user's engagements before T, the daily
    user features from the last day completed before T's day. The requests
    are read from int_pit_activity_counts, which carries each one's columns
    beside its counts (one row per request of int_feature_requests): joining
    the two by request_id cost a hash join of two tables as long as the
    requests (77M rows at 10M events) that spilled tens of GB. For the same
    reason each row carries its request's identity (kind, scope, user, tweet,
    author) and retrieval columns: its consumers filter this table by kind
    instead of joining it back to the requests or the candidates. -#}
{%- set stems = ml_count_stems() %}

-- depends_on: {{ ref('int_ml_time_windows') }}
-- depends_on: {{ ref('int_feature_requests') }}

with

-- Each request with its counts of earlier events and follows.
requests as (
    select counted.*
    from {{ ref('int_pit_activity_counts') }} as counted
    where {{ stream_keep_missing('counted.request_id', 'counted.request_at') }}
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

user_daily as (
    select * from {{ ref('feat_user_daily') }}
),

request_tweets as (
    select
        requests.*,
        -- Daily user features: the last day completed before T's day, so
        -- nothing of T's own day (not even the part before T) is used.
        cast({{ ml_dateadd('day', '-1', 'cast(requests.request_at as date)') }} as date)
            as lookup_date,
        tweets.created_at,
        tweets.topic,
        tweets.has_media
    from requests
    left join tweets
        on requests.tweet_id = tweets.tweet_id
),

-- The decayed user-author affinity depends on (user, author, T) alone, so it
-- is computed once per such key (a user's candidates from one author share
-- it) by joining the user's earlier engagements with the author's tweets.
-- Summed in log space (macro ml_log2_sum_exp2, anchored on the key's
-- youngest engagement), so it never underflows to 0 over a long history.
affinity_keys as (
    select distinct
        user_id,
        author_id,
        request_at
    from request_tweets
),

key_engagements as (
    select
        affinity_keys.user_id,
        affinity_keys.author_id,
        affinity_keys.request_at,
        {{ ml_engagement_weight('events.event_type') }} as weight,
        {{ ml_log2_decay('events.event_at', 'affinity_keys.request_at') }} as log2_decay,
        max({{ ml_log2_decay('events.event_at', 'affinity_keys.request_at') }}) over (
            partition by affinity_keys.user_id, affinity_keys.author_id, affinity_keys.request_at
        ) as log2_decay_anchor
    from affinity_keys
    inner join events
        on
            affinity_keys.user_id = events.user_id
            and affinity_keys.author_id = events.author_id
            and affinity_keys.request_at > events.event_at
    where events.is_engagement
),

affinity as (
    select
        user_id,
        author_id,
        request_at,
        {{ ml_decayed_affinity('log2_decay', 'log2_decay_anchor', 'weight') }}
            as user_author_affinity
    from key_engagements
    group by user_id, author_id, request_at
),

-- The daily features depend on (user, lookup day) alone: looked up once per
-- such key (every candidate of a scope shares its user's day), not per
-- request.
user_days as (
    select distinct
        user_id,
        lookup_date
    from request_tweets
),

daily_hits as (
    select
        user_days.user_id,
        user_days.lookup_date,
        user_daily.activity_date,
        {%- for stem in stems %}
            {%- for days in ml_daily_windows() %}
                user_daily.{{ stem }}_{{ days }}d,
            {%- endfor %}
            user_daily.{{ stem }}_1d,
            user_daily.prev_day_{{ stem }},
        {%- endfor %}
        user_daily.ctr_7d,
        user_daily.ctr_28d,
        user_daily.days_since_last_activity,
        user_daily.engagement_trend_7d,
        user_daily.engagement_trend_ratio_7d
    from user_days
    left join user_daily
        on
            user_days.user_id = user_daily.user_id
            and user_days.lookup_date = user_daily.activity_date
),

-- feat_user_daily has rows only up to 28 days (its widest window) after an
-- active day. A day without a row has every trailing count 0 and no rate;
-- its days since the last activity go on from the user's last earlier row
-- (none before the first activity: NULL). Only these misses take the as-of
-- lookup; the common case is the equality join above. (The as-of macro reads
-- this CTE and the next, which sqlfluff cannot see: hence the noqa.)
daily_misses as (  -- noqa: ST03
    select
        user_id,
        lookup_date
    from daily_hits
    where activity_date is null
),

user_last_activity as (  -- noqa: ST03
    select
        user_id,
        activity_date as last_row_date,
        days_since_last_activity as last_row_days_since
    from user_daily
),

daily_miss_last_rows as (
    select
        asof_rows.user_id,
        asof_rows.lookup_date,
        asof_rows.last_row_date,
        asof_rows.last_row_days_since
    from {{ ml_asof_previous(
        'daily_misses', ['user_id', 'lookup_date'],
        'user_last_activity', 'user_id', 'lookup_date', 'last_row_date',
        ['last_row_date', 'last_row_days_since'], ['user_id', 'lookup_date'],
    ) }} as asof_rows
),

with_user_daily as (
    select
        daily_hits.user_id,
        daily_hits.lookup_date,
        {%- for stem in stems %}
            {%- for days in [1] + ml_daily_windows() %}
                coalesce(daily_hits.{{ stem }}_{{ days }}d, 0) as f_user_{{ stem }}_{{ days }}d,
            {%- endfor %}
            coalesce(daily_hits.prev_day_{{ stem }}, 0) as f_user_prev_day_{{ stem }},
        {%- endfor %}
        daily_hits.ctr_7d as f_user_ctr_7d,
        daily_hits.ctr_28d as f_user_ctr_28d,
        coalesce(
            daily_hits.days_since_last_activity,
            daily_miss_last_rows.last_row_days_since
            + {{ ml_datediff(
                'daily_miss_last_rows.last_row_date', 'daily_miss_last_rows.lookup_date', 'day',
            ) }}
        ) as f_user_days_since_last_activity,
        coalesce(daily_hits.engagement_trend_7d, 0) as f_user_engagement_trend_7d,
        daily_hits.engagement_trend_ratio_7d as f_user_engagement_trend_ratio_7d
    from daily_hits
    left join daily_miss_last_rows
        on
            daily_hits.user_id = daily_miss_last_rows.user_id
            and daily_hits.lookup_date = daily_miss_last_rows.lookup_date
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
        request_tweets.tweet_impressions as f_tweet_impressions,
        request_tweets.tweet_engagements as f_tweet_engagements,
        {{ ml_safe_divide('request_tweets.tweet_engagements', 'request_tweets.tweet_impressions') }}
            as f_tweet_engagement_rate,
        {{ ml_engagement_velocity(
            'request_tweets.tweet_engagements',
            ml_hours_between('request_tweets.created_at', 'request_tweets.request_at'),
        ) }} as f_tweet_engagement_velocity,
        request_tweets.author_impressions as f_author_impressions,
        request_tweets.author_engagements as f_author_engagements,
        {{ ml_safe_divide('request_tweets.author_engagements', 'request_tweets.author_impressions') }}
            as f_author_engagement_rate,
        request_tweets.author_followers as f_author_followers,
        case when request_tweets.follow_edges > 0 then 1 else 0 end as f_follows_author,
        request_tweets.user_following as f_user_following,
        request_tweets.user_author_impressions as f_user_author_impressions,
        request_tweets.user_author_engagements as f_user_author_engagements,
        coalesce(affinity.user_author_affinity, 0) as f_user_author_affinity,
        request_tweets.user_engagements as f_user_engagements,
        case
            when request_tweets.topic is not null then request_tweets.user_topic_engagements
        end as f_user_topic_engagements,
        case
            when request_tweets.topic is not null
                then {{ ml_safe_divide(
                    'request_tweets.user_topic_engagements',
                    'request_tweets.user_engagements',
                ) }}
        end as f_user_topic_share,
        {%- for column in ml_feature_columns() if column.get('daily') %}
            with_user_daily.{{ column['name'] }},
        {%- endfor %}
        {%- for column in ml_request_retrieval_columns() %}
            request_tweets.{{ column['name'] }},
        {%- endfor %}
        request_tweets.request_kind,
        request_tweets.scope,
        request_tweets.user_id,
        request_tweets.tweet_id,
        request_tweets.author_id,
        request_tweets.request_at
    from request_tweets
    left join affinity
        on
            request_tweets.user_id = affinity.user_id
            and request_tweets.author_id = affinity.author_id
            and request_tweets.request_at = affinity.request_at
    left join with_user_daily
        on
            request_tweets.user_id = with_user_daily.user_id
            and request_tweets.lookup_date = with_user_daily.lookup_date
),

final as (
    select
        cast(request_id as string) as request_id,
        cast(request_at as timestamp) as request_at,
        cast(request_kind as string) as request_kind,
        cast(scope as string) as scope,
        cast(user_id as bigint) as user_id,
        cast(tweet_id as bigint) as tweet_id,
        cast(author_id as bigint) as author_id,
        {{ ml_feature_casts() }},
        {{ ml_request_retrieval_select_list('joined') }}
    from joined
)

select * from final
