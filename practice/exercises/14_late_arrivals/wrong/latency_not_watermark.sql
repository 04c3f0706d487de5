-- why: calls an event late when ingested_at - event_ts > 15 minutes, ignoring the window end
-- expect: 1 missing, 1 extra
-- fails-on: visible
select
    date_trunc('hour', event_ts) as window_start,
    count(*) filter (where ingested_at - event_ts <= interval '15 minutes') as n_on_time,
    count(*) filter (where ingested_at - event_ts > interval '15 minutes') as n_late,
    count(*) as n_total,
    round(
        count(*) filter (where ingested_at - event_ts > interval '15 minutes') / count(*), 4
    ) as late_share
from events
where event_ts is not null
group by date_trunc('hour', event_ts)
