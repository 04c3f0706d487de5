with events as (
    select * from events
    where event_ts is not null
),

windowed as (
    select
        event_id,
        ingested_at,
        date_trunc('hour', event_ts) as window_start
    from events
),

flagged as (
    select
        window_start,
        ingested_at
        >= window_start + interval '1 hour' + interval '15 minutes' as is_late
    from windowed
),

final as (
    select
        window_start,
        count(*) filter (where not is_late) as n_on_time,
        count(*) filter (where is_late) as n_late,
        count(*) as n_total,
        round(count(*) filter (where is_late) / count(*), 4) as late_share
    from flagged
    group by window_start
)

select * from final
