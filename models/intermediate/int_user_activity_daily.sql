{#-
    A calendar that grows with activity, not with users x days: every user
    with human events (before their bot_since_at, if any) has a row for each day from an active day to tail_days after it
    (capped at the last day of data), a quiet day as a row of zeros. Those
    days form contiguous runs per user (run_start_date), each starting on an
    active day and ending with tail_days quiet days (or at the last day of
    data). A day outside every run is a day on which each trailing count of
    feat_user_daily is 0; int_point_in_time_features reads such a day as
    zeros, its days since the last activity counted on from the last row.

    Incremental, append after a pre-hook delete, keyed by user
    (macros/stream/changed_keys.sql): a run recomputes every day of each user
    whose staged events or bot flag changed, and of each user whose tail
    reaches a last day of data that moved (macros/stream/activity_tail_users.sql).
    Not microbatch: a moved flag re-marks days of any date, and a moved last
    day changes the tails of users with no new event.
-#}
{{ config(**stream_keyed_incremental(
    'user', 'user_id', ['stg_social__events_validated', 'int_users_bot_flagged'],
    extra_changes='activity_tail_users',
)) }}
{%- set tail_days = ml_daily_calendar_tail_days() %}
{#- When folding changes in, the last active day of the users kept (the
    pre-hook deleted the changed ones' rows). -#}
{%- if stream_folds_changes() %}
    {%- set kept_last_active = '(select max(activity_date) as activity_date from ' ~ this
        ~ ' where event_count > 0)' %}
{%- else %}
    {%- set kept_last_active = '(select cast(null as date) as activity_date where false)' %}
{%- endif %}

with

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
        events.user_id,
        cast(events.event_at as date) as activity_date,
        count(*) as event_count,
        {{ event_type_counts('events.event_type') }}
    from events
    inner join bot_flags
        on events.user_id = bot_flags.user_id
    where
        not {{ ml_bot_at('events.event_at', 'bot_flags.bot_since_at') }}
        and {{ stream_keep_claimed('user', 'events.user_id') }}
    group by events.user_id, cast(events.event_at as date)
),

-- The calendar spans the days computed here; the tails end at the last
-- active day of all users, the kept ones' included.
data_range as (
    select
        min(active.activity_date) as first_day,
        max(active.activity_date) as last_day
    from (
        select activity_date from daily_counts
        union all
        select kept.activity_date from {{ kept_last_active }} as kept
    ) as active
),

calendar as (
    select spine.day
    from {{ day_spine(
        '(select data_range.first_day from data_range)',
        '(select data_range.last_day from data_range)',
    ) }} as spine
),

active_days as (
    select
        daily_counts.user_id,
        daily_counts.activity_date,
        lag(daily_counts.activity_date) over (
            partition by daily_counts.user_id order by daily_counts.activity_date
        ) as previous_active_date
    from daily_counts
),

-- An active day opens a new run when the previous run's tail (tail_days
-- days after the previous active day) ends before the day before it.
run_starts as (
    select
        user_id,
        activity_date,
        max(
            case
                when
                    previous_active_date is null
                    or activity_date
                    > {{ ml_dateadd('day', tail_days + 1, 'previous_active_date') }}
                    then activity_date
            end
        ) over (
            partition by user_id order by activity_date
            rows between unbounded preceding and current row
        ) as run_start_date
    from active_days
),

user_spans as (
    select
        run_starts.user_id,
        run_starts.run_start_date as start_day,
        least(
            cast({{ ml_dateadd('day', tail_days, 'max(run_starts.activity_date)') }} as date),
            max(data_range.last_day)
        ) as end_day
    from run_starts
    cross join data_range
    group by run_starts.user_id, run_starts.run_start_date
),

user_days as (
    select
        user_spans.user_id,
        user_spans.start_day as run_start_date,
        calendar.day as activity_date
    from user_spans
    inner join calendar
        on calendar.day between user_spans.start_day and user_spans.end_day
),

daily_sessions as (
    select
        sessions.user_id,
        cast(sessions.started_at as date) as activity_date,
        count(*) as sessions_started
    from sessions
    inner join bot_flags
        on sessions.user_id = bot_flags.user_id
    where
        not {{ ml_bot_at('sessions.started_at', 'bot_flags.bot_since_at') }}
        and {{ stream_keep_claimed('user', 'sessions.user_id') }}
    group by sessions.user_id, cast(sessions.started_at as date)
),

final as (
    select
        user_days.user_id,
        user_days.activity_date,
        user_days.run_start_date,
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
