with

users as (
    select * from {{ ref('stg_social__users') }}
),

events as (
    select * from {{ ref('stg_social__events') }}
),

events_per_hour as (
    -- Tumbling one-hour windows: the busiest clock hour shows scripted bursts.
    select
        user_id,
        date_trunc('hour', event_at) as hour_start,
        count(*) as event_count
    from events
    group by user_id, date_trunc('hour', event_at)
),

hourly_peaks as (
    select
        user_id,
        max(event_count) as max_events_per_hour
    from events_per_hour
    group by user_id
),

daily_rates as (
    select
        user_id,
        count(*) as event_count,
        count(distinct cast(event_at as date)) as active_days
    from events
    group by user_id
),

final as (
    select
        users.user_id,
        coalesce(daily_rates.event_count, 0) as event_count,
        coalesce(daily_rates.active_days, 0) as active_days,
        round(
            coalesce(cast(daily_rates.event_count as double) / daily_rates.active_days, 0), 2
        ) as events_per_active_day,
        coalesce(hourly_peaks.max_events_per_hour, 0) as max_events_per_hour,
        coalesce(
            hourly_peaks.max_events_per_hour > {{ var('bot_max_events_per_hour') }}
            or cast(daily_rates.event_count as double) / daily_rates.active_days
            > {{ var('bot_max_events_per_active_day') }},
            false
        ) as is_bot
    from users
    left join daily_rates
        on users.user_id = daily_rates.user_id
    left join hourly_peaks
        on users.user_id = hourly_peaks.user_id
)

select * from final
