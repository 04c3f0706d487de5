{#- Incremental, append after a pre-hook delete, keyed by user
    (macros/stream/changed_keys.sql): every day of each user whose days
    int_user_activity_daily recomputed (the windows read only the user's
    own rows). Not microbatch: a moved bot flag or a late event changes
    trailing windows of any date. -#}
{{ config(**stream_keyed_incremental(
    'user', 'user_id', ['int_user_activity_daily'],
)) }}
{%- set stems = ml_count_stems() -%}
{%- set windows = ml_daily_windows() -%}

with

-- One row per non-bot user per day of an activity run: from an active day to
-- 28 days after it (the widest window; capped at the last day of data), zeros
-- on quiet days. A day outside every run has every trailing count 0; the
-- point-in-time lookup (int_point_in_time_features) reads it as zeros and
-- counts the days since the last activity on from the user's last row.
activity as (
    select * from {{ ref('int_user_activity_daily') }}
    where {{ stream_keep_claimed('user', 'user_id') }}
),

daily as (
    select
        user_id,
        activity_date,
        {{ ml_datediff("cast('1970-01-01' as date)", 'activity_date', 'day') }} as day_index,
        {%- for stem in stems %}
            {{ stem }},
        {%- endfor %}
        event_count as events
    from activity
),

-- One window pass. Within a run the calendar is dense (int_user_activity_daily's
-- unique and contiguous_dates tests per run), and a run ends with 28 quiet
-- days, so a frame reaching back across a gap into the previous run reads
-- only that run's zero tail: "the w days ending today" is the last w rows,
-- "the day before" is the previous row and days -13 .. -7 are rows 13 .. 7
-- back. ROWS frames and lags equal the RANGE frames over the day they
-- replace, and daily_trailing_sum lets the engine share one aggregate
-- between the stems of a frame. An empty frame (a user's first days) is 0.
rolling as (
    select
        user_id,
        activity_date,
        day_index,
        {%- for stem in stems %}
            {{ stem }} as {{ stem }}_1d,
            {%- for days in windows %}
                {{ daily_trailing_sum(stem, days - 1, 0, 'user_id', 'activity_date', stems) }}
                    as {{ stem }}_{{ days }}d,
            {%- endfor %}
            {{ daily_trailing_sum(stem, 1, 1, 'user_id', 'activity_date') }} as prev_day_{{ stem }},
        {%- endfor %}
        {{ daily_trailing_sum('engagements', 13, 7, 'user_id', 'activity_date') }}
            as engagements_prev_7d,
        max(case when events > 0 then day_index end) over (
            partition by user_id order by activity_date
            rows between unbounded preceding and current row
        ) as last_active_day_index
    from daily
),

final as (
    select
        cast(user_id as bigint) as user_id,
        cast(activity_date as date) as activity_date,
        {%- for stem in stems %}
            cast({{ stem }}_1d as bigint) as {{ stem }}_1d,
            {%- for days in windows %}
                cast({{ stem }}_{{ days }}d as bigint) as {{ stem }}_{{ days }}d,
            {%- endfor %}
            cast(prev_day_{{ stem }} as bigint) as prev_day_{{ stem }},
        {%- endfor %}
        {{ ml_safe_divide('clicks_7d', 'impressions_7d') }} as ctr_7d,
        {{ ml_safe_divide('clicks_28d', 'impressions_28d') }} as ctr_28d,
        cast(day_index - last_active_day_index as integer) as days_since_last_activity,
        cast(engagements_prev_7d as bigint) as engagements_prev_7d,
        cast(engagements_7d - engagements_prev_7d as bigint) as engagement_trend_7d,
        {{ ml_safe_divide('engagements_7d', 'engagements_prev_7d') }} as engagement_trend_ratio_7d
    from rolling
)

select * from final
