-- why: picks the floor(p * n)-th value instead of the ceil(p * n)-th (off by one)
-- expect: 2 missing, 2 extra
-- fails-on: visible
with ranked as (
    select
        endpoint,
        latency_ms,
        row_number() over (partition by endpoint order by latency_ms) as rn,
        count(latency_ms) over (partition by endpoint) as n
    from requests
    where latency_ms is not null
),

pcts as (
    select
        endpoint,
        max(latency_ms) filter (where rn = greatest(floor(0.50 * n), 1)) as p50_ms,
        max(latency_ms) filter (where rn = greatest(floor(0.90 * n), 1)) as p90_ms,
        max(latency_ms) filter (where rn = greatest(floor(0.99 * n), 1)) as p99_ms
    from ranked
    group by endpoint
),

counts as (
    select
        endpoint,
        count(*) as n_requests,
        count(*) filter (where latency_ms is null) as n_timeouts
    from requests
    group by endpoint
)

select counts.endpoint, n_requests, n_timeouts, p50_ms, p90_ms, p99_ms
from counts
left join pcts on counts.endpoint = pcts.endpoint
order by counts.endpoint
