-- why: puts events in the hour they were ingested instead of the hour they happened
-- expect: 1 missing, 3 extra
-- fails-on: visible
select
    date_trunc('hour', ingested_at) as window_start,
    count(*) filter (
        where ingested_at < date_trunc('hour', event_ts) + interval '75 minutes'
    ) as n_on_time,
    count(*) filter (
        where ingested_at >= date_trunc('hour', event_ts) + interval '75 minutes'
    ) as n_late,
    count(*) as n_total,
    round(count(*) filter (
        where ingested_at >= date_trunc('hour', event_ts) + interval '75 minutes'
    ) / count(*), 4) as late_share
from events
where event_ts is not null
group by date_trunc('hour', ingested_at)
