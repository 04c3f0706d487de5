-- why: treats an event ingested exactly at the watermark as on time
-- expect: 1 missing, 1 extra
-- fails-on: hidden_watermark_boundary
with flagged as (
    select
        date_trunc('hour', event_ts) as window_start,
        ingested_at > date_trunc('hour', event_ts) + interval '75 minutes' as is_late
    from events
    where event_ts is not null
)

select
    window_start,
    count(*) filter (where not is_late) as n_on_time,
    count(*) filter (where is_late) as n_late,
    count(*) as n_total,
    round(count(*) filter (where is_late) / count(*), 4) as late_share
from flagged
group by window_start
