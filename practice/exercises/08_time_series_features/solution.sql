with events as (
    select * from events
),

daily as (
    select
        user_id,
        cast(event_ts as date) as activity_day,
        count(*) as n_events
    from events
    group by user_id, cast(event_ts as date)
),

bounds as (
    select
        user_id,
        min(activity_day) as first_day,
        max(activity_day) as last_day
    from daily
    group by user_id
),

spine as (
    select
        bounds.user_id,
        cast(spine_days.day_ts as date) as activity_day
    from bounds
    cross join
        lateral unnest(
            generate_series(
                cast(bounds.first_day as timestamp),
                cast(bounds.last_day as timestamp),
                interval '1 day'
            )
        ) as spine_days (day_ts)
),

filled as (
    select
        spine.user_id,
        spine.activity_day,
        coalesce(daily.n_events, 0) as n_events
    from spine
    left join daily
        on
            spine.user_id = daily.user_id
            and spine.activity_day = daily.activity_day
),

final as (
    select
        user_id,
        activity_day,
        n_events,
        lag(n_events) over by_day as n_events_prev_day,
        cast(sum(n_events) over last_7_days as bigint) as n_events_7d,
        count(*) filter (where n_events > 0) over last_7_days as active_days_7d
    from filled
    window
        by_day as (partition by user_id order by activity_day),
        last_7_days as (
            partition by user_id order by activity_day
            rows between 6 preceding and current row
        )
)

select * from final
