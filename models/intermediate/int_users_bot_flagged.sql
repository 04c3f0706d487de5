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

user_rates as (
    -- Everything per user comes from the hourly counts (one pass over the
    -- events instead of three): an hour lies within one day, so the distinct
    -- days of the hours are the user's active days.
    select
        user_id,
        cast(sum(event_count) as bigint) as event_count,
        count(distinct cast(hour_start as date)) as active_days,
        max(event_count) as max_events_per_hour
    from events_per_hour
    group by user_id
),

final as (
    select
        users.user_id,
        coalesce(user_rates.event_count, 0) as event_count,
        coalesce(user_rates.active_days, 0) as active_days,
        round(
            coalesce(cast(user_rates.event_count as double) / user_rates.active_days, 0), 2
        ) as events_per_active_day,
        coalesce(user_rates.max_events_per_hour, 0) as max_events_per_hour,
        coalesce(
            user_rates.max_events_per_hour > {{ var('bot_max_events_per_hour') }}
            or cast(user_rates.event_count as double) / user_rates.active_days
            > {{ var('bot_max_events_per_active_day') }},
            false
        ) as is_bot
    from users
    left join user_rates
        on users.user_id = user_rates.user_id
)

select * from final
