{%- set kinds = ['impression', 'engagement', 'sampled_negative'] %}
{{ config(**stream_request_incremental(kinds, 'impression_id', 'impression_at')) }}

with

requests as (
    select
        feature_requests.request_id,
        feature_requests.user_id,
        feature_requests.tweet_id,
        feature_requests.author_id,
        feature_requests.request_at
    from {{ ref('int_feature_requests') }} as feature_requests
    -- Impressions, or on an implicit-feedback log first engagements and
    -- sampled negatives (int_feature_requests).
    where
        feature_requests.request_kind in (
            {%- for kind in kinds %}
                '{{ kind }}'{{ "," if not loop.last }}
            {%- endfor %}
        )
        and {{ stream_keep_missing(
            'feature_requests.request_id', 'feature_requests.request_at', 'impression_id', 'impression_at',
        ) }}
),

features as (
    select * from {{ ref('int_point_in_time_features') }}
),

engagements as (
    select
        user_id,
        tweet_id,
        event_at
    from {{ ref('fct_engagements') }}
    where is_engagement
),

time_windows as (
    select
        label_horizon_hours,
        validation_start_at,
        test_start_at
    from {{ ref('int_ml_time_windows') }}
),

-- Label: the same user engaged with the same tweet at or after the impression
-- and at most the label horizon later (both ends inclusive).
labels as (
    select
        requests.request_id,
        1 as label  -- noqa: RF04
    from requests
    cross join time_windows
    inner join engagements
        on
            requests.user_id = engagements.user_id
            and requests.tweet_id = engagements.tweet_id
            and requests.request_at <= engagements.event_at
            and engagements.event_at
            <= {{ ml_dateadd('hour', 'time_windows.label_horizon_hours', 'requests.request_at') }}
    group by requests.request_id
),

final as (
    select
        cast(requests.request_id as varchar) as impression_id,
        cast(requests.user_id as bigint) as user_id,
        cast(requests.tweet_id as bigint) as tweet_id,
        cast(requests.author_id as bigint) as author_id,
        cast(requests.request_at as timestamp) as impression_at,
        cast(coalesce(labels.label, 0) as integer) as label,  -- noqa: RF04
        cast({{ ml_split('requests.request_at', 'time_windows') }} as varchar) as split,
        {{ ml_feature_select_list('features') }},
        {{ ml_source_feature_select_list() }}
    from requests
    cross join time_windows
    inner join features
        on requests.request_id = features.request_id
    left join labels
        on requests.request_id = labels.request_id
)

select * from final
