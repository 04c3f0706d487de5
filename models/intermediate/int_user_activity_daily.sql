{#-
    A dense calendar: every non-bot user has a row for every day from the
    earlier of their signup day and first activity day (but not before the
    first day of data) to the last day of data, so a quiet day is a row of
    zeros rather than a missing row.
-#}

with

users as (
    select * from {{ ref('stg_social__users') }}
),

bot_flags as (
    select * from {{ ref('int_users_bot_flagged') }}
),

events as (
    select * from {{ ref('stg_social__events') }}
),

sessions as (
    select * from {{ ref('int_sessions') }}
),

-- The events are read once, here; the data range and each user's first
-- active day come from these (far fewer) daily rows: the date of the
-- earliest event is the earliest event date.
daily_counts as (
    select
        user_id,
        cast(event_at as date) as activity_date,
        count(*) as event_count,
        {{ event_type_counts('event_type') }}
    from events
    group by user_id, cast(event_at as date)
),

data_range as (
    select
        min(activity_date) as first_day,
        max(activity_date) as last_day
    from daily_counts
),

calendar as (
    select spine.day
    from {{ day_spine(
        '(select data_range.first_day from data_range)',
        '(select data_range.last_day from data_range)',
    ) }} as spine
),

human_users as (
    select users.*
    from users
    inner join bot_flags
        on users.user_id = bot_flags.user_id
    where not bot_flags.is_bot
),

first_activity as (
    select
        user_id,
        min(activity_date) as first_active_day
    from daily_counts
    group by user_id
),

user_spans as (
    select
        human_users.user_id,
        greatest(
            least(
                cast(human_users.signup_at as date),
                coalesce(first_activity.first_active_day, cast(human_users.signup_at as date))
            ),
            data_range.first_day
        ) as start_day,
        data_range.last_day as end_day
    from human_users
    cross join data_range
    left join first_activity
        on human_users.user_id = first_activity.user_id
),

user_days as (
    select
        user_spans.user_id,
        calendar.day as activity_date
    from user_spans
    inner join calendar
        on calendar.day between user_spans.start_day and user_spans.end_day
),

daily_sessions as (
    select
        user_id,
        cast(started_at as date) as activity_date,
        count(*) as sessions_started
    from sessions
    group by user_id, cast(started_at as date)
),

final as (
    select
        user_days.user_id,
        user_days.activity_date,
        coalesce(daily_counts.event_count, 0) as event_count,
        {%- for _, column_name in event_type_columns() %}
            coalesce(daily_counts.{{ column_name }}, 0) as {{ column_name }},
        {%- endfor %}
        coalesce(daily_counts.engagements, 0) as engagements,
        coalesce(daily_sessions.sessions_started, 0) as sessions_started
    from user_days
    left join daily_counts
        on
            user_days.user_id = daily_counts.user_id
            and user_days.activity_date = daily_counts.activity_date
    left join daily_sessions
        on
            user_days.user_id = daily_sessions.user_id
            and user_days.activity_date = daily_sessions.activity_date
)

select * from final
