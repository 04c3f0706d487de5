-- late-arrivals: one row per event-time hour with events.
-- Output columns: window_start, n_on_time, n_late, n_total, late_share
-- Grade it: python -m practice check late-arrivals THIS_FILE.sql
with events as (
    select * from events
),

final as (
    select
        date_trunc('hour', event_ts) as window_start,
        count(*) as n_on_time,
        0 as n_late,
        count(*) as n_total,
        0.0 as late_share
    from events
    group by date_trunc('hour', event_ts)
)

select * from final
