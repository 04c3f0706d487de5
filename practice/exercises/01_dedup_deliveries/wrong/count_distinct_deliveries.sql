-- why: counts distinct ingested_at values, so exact copies are not counted
-- expect: the values in 'n_deliveries' are wrong
-- fails-on: visible
select
    event_id,
    any_value(user_id) as user_id,
    any_value(tweet_id) as tweet_id,
    any_value(event_type) as event_type,
    any_value(event_ts) as event_ts,
    min(ingested_at) as first_ingested_at,
    count(distinct ingested_at) as n_deliveries
from raw_events
where event_id is not null
group by event_id
