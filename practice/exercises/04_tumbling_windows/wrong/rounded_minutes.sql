-- why: rounds the minute to the nearest quarter instead of flooring it
-- expect: missing
-- fails-on: visible
with bucketed as (
    select
        tweet_id,
        event_type,
        date_trunc('hour', event_ts)
        + to_minutes(cast(round(minute(event_ts) / 15) * 15 as bigint)) as window_start
    from events
)

select
    tweet_id,
    window_start,
    window_start + interval '15 minutes' as window_end,
    count(*) as n_events,
    count(*) filter (where event_type = 'like') as n_likes
from bucketed
group by tweet_id, window_start
