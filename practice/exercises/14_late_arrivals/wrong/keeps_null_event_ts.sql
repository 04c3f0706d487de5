-- why: keeps the event with no event time as a window of its own
-- expect: 1 extra
-- fails-on: hidden_nulls_and_night
with flagged as (
    select
        date_trunc('hour', event_ts) as window_start,
        coalesce(
            ingested_at >= date_trunc('hour', event_ts) + interval '75 minutes', true
        ) as is_late
    from events
)

select
    window_start,
    count(*) filter (where not is_late) as n_on_time,
    count(*) filter (where is_late) as n_late,
    count(*) as n_total,
    round(count(*) filter (where is_late) / count(*), 4) as late_share
from flagged
group by window_start
