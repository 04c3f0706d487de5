-- why: select distinct keeps redeliveries, which differ in ingested_at
-- expect: extra
-- fails-on: visible
select distinct
    event_id,
    user_id,
    tweet_id,
    event_type,
    event_ts,
    ingested_at as first_ingested_at,
    1 as n_deliveries
from raw_events
