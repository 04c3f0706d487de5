with

daily as (
    select * from {{ ref('int_user_activity_daily') }}
),

final as (
    select
        user_id,
        activity_date,
        event_count,
        {%- for _, column_name in event_type_columns() %}
            {{ column_name }},
        {%- endfor %}
        engagements,
        sessions_started,
        event_count > 0 as is_active,
        -- The calendar is dense, so 7 rows are exactly the 7 days ending today.
        cast(sum(engagements) over (
            partition by user_id
            order by activity_date
            rows between 6 preceding and current row
        ) as bigint) as engagements_7d,
        count(case when event_count > 0 then 1 end) over (
            partition by user_id
            order by activity_date
            rows between 6 preceding and current row
        ) as active_days_7d
    from daily
)

select * from final
