-- why: NULL event_ids are grouped into one partition instead of being dropped
-- expect: 1 extra
-- fails-on: hidden_nulls
with ranked as (
    select
        *,
        row_number() over (partition by event_id order by ingested_at) as rn,
        count(*) over (partition by event_id) as n_deliveries
    from raw_events
)

select
    event_id,
    user_id,
    tweet_id,
    event_type,
    event_ts,
    ingested_at as first_ingested_at,
    n_deliveries
from ranked
where rn = 1
