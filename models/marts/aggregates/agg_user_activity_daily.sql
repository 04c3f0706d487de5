{#- Incremental, append after a pre-hook delete, keyed by user
    (macros/stream/changed_keys.sql): every day of each user whose days
    int_user_activity_daily recomputed (the trailing sums read only the
    user's own rows). -#}
{{ config(**stream_keyed_incremental(
    'user', 'user_id', ['int_user_activity_daily'],
)) }}
{%- set trailing = ['engagements', 'active_day'] -%}

with

daily as (
    select * from {{ ref('int_user_activity_daily') }}
    where {{ stream_keep_claimed('user', 'user_id') }}
),

flagged as (
    select
        *,
        case when event_count > 0 then 1 else 0 end as active_day
    from daily
),

-- The calendar is dense within a run (int_user_activity_daily's unique and
-- contiguous_dates tests) and a run ends with 28 quiet days, so 7 rows are
-- exactly the 7 days ending today, also across a gap between runs;
-- daily_trailing_sum lets the engine share one aggregate between the two sums.
final as (
    select
        user_id,
        activity_date,
        run_start_date,
        event_count,
        {%- for _, column_name in event_type_columns() %}
            {{ column_name }},
        {%- endfor %}
        engagements,
        sessions_started,
        event_count > 0 as is_active,
        cast(
            {{ daily_trailing_sum('engagements', 6, 0, 'user_id', 'activity_date', trailing) }}
            as bigint
        ) as engagements_7d,
        cast(
            {{ daily_trailing_sum('active_day', 6, 0, 'user_id', 'activity_date', trailing) }}
            as bigint
        ) as active_days_7d
    from flagged
)

select * from final
