{%- set kinds = ['impression', 'engagement', 'sampled_negative'] %}
{{ config(**stream_request_incremental(kinds, 'impression_id', 'impression_at')) }}

-- depends_on: {{ ref('int_feature_requests') }}

with

-- The training requests: impressions, or on an implicit-feedback log first
-- engagements and sampled negatives (int_feature_requests), with their
-- features, read from int_point_in_time_features, which carries each one's
-- user, tweet, author and kind: nothing joins back to int_feature_requests.
-- Read twice (labels, final): inlined, so the wide rows stream to the output
-- instead of being held for two readers.
features as {{ ml_cte_not_materialized() }} (
    select *
    from {{ ref('int_point_in_time_features') }} as features
    where
        features.request_kind in (
            {%- for kind in kinds %}
                '{{ kind }}'{{ "," if not loop.last }}
            {%- endfor %}
        )
        and {{ stream_keep_missing(
            'features.request_id', 'features.request_at', 'impression_id', 'impression_at',
        ) }}
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
        features.request_id,
        1 as label  -- noqa: RF04
    from features
    cross join time_windows
    inner join engagements
        on
            features.user_id = engagements.user_id
            and features.tweet_id = engagements.tweet_id
            and features.request_at <= engagements.event_at
            and engagements.event_at
            <= {{ ml_dateadd('hour', 'time_windows.label_horizon_hours', 'features.request_at') }}
    group by features.request_id
),

final as (
    select
        cast(features.request_id as string) as impression_id,
        cast(features.user_id as bigint) as user_id,
        cast(features.tweet_id as bigint) as tweet_id,
        cast(features.author_id as bigint) as author_id,
        cast(features.request_at as timestamp) as impression_at,
        cast(coalesce(labels.label, 0) as integer) as label,  -- noqa: RF04
        cast({{ ml_split('features.request_at', 'time_windows') }} as string) as split,
        {{ ml_feature_select_list('features') }},
        {{ ml_source_feature_select_list() }}
    from features
    cross join time_windows
    left join labels
        on features.request_id = labels.request_id
)

select * from final
