{%- set stems = ml_count_stems() -%}
{%- set windows = [1, 7, 28] -%}

with

-- Already dense (one row per non-bot user per day, zeros on quiet days, up
-- to the last day of data), so a later point-in-time lookup of "yesterday"
-- always finds a row, even for a user who has been quiet for weeks.
activity as (
    select * from {{ ref('int_user_activity_daily') }}
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

-- Windows are RANGE frames over the integer day index: "the 7 days ending
-- with this one" stays right even if a day were missing.
rolling as (
    select
        user_id,
        activity_date,
        day_index,
        {%- for stem in stems %}
            {%- for days in windows %}
                sum({{ stem }}) over (
                    partition by user_id order by day_index
                    range between {{ days - 1 }} preceding and current row
                ) as {{ stem }}_{{ days }}d,
            {%- endfor %}
            sum({{ stem }}) over (
                partition by user_id order by day_index
                range between 1 preceding and 1 preceding
            ) as prev_day_{{ stem }},
        {%- endfor %}
        sum(engagements) over (
            partition by user_id order by day_index
            range between 13 preceding and 7 preceding
        ) as engagements_prev_7d,
        max(case when events > 0 then day_index end) over (
            partition by user_id order by day_index
            range between unbounded preceding and current row
        ) as last_active_day_index
    from daily
),

final as (
    select
        cast(user_id as bigint) as user_id,
        cast(activity_date as date) as activity_date,
        {%- for stem in stems %}
            {%- for days in windows %}
                cast({{ stem }}_{{ days }}d as bigint) as {{ stem }}_{{ days }}d,
            {%- endfor %}
            cast(coalesce(prev_day_{{ stem }}, 0) as bigint) as prev_day_{{ stem }},
        {%- endfor %}
        {{ ml_safe_divide('clicks_7d', 'impressions_7d') }} as ctr_7d,
        {{ ml_safe_divide('clicks_28d', 'impressions_28d') }} as ctr_28d,
        cast(day_index - last_active_day_index as integer) as days_since_last_activity,
        cast(coalesce(engagements_prev_7d, 0) as bigint) as engagements_prev_7d,
        cast(engagements_7d - coalesce(engagements_prev_7d, 0) as bigint) as engagement_trend_7d,
        {{ ml_safe_divide('engagements_7d', 'engagements_prev_7d') }} as engagement_trend_ratio_7d
    from rolling
)

select * from final
