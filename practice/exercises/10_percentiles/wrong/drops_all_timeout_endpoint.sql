-- why: filters NULL latencies in WHERE, losing timeouts and all-timeout endpoints
-- expect: missing
-- fails-on: visible
select
    endpoint,
    count(*) as n_requests,
    0 as n_timeouts,
    quantile_disc(latency_ms, 0.50) as p50_ms,
    quantile_disc(latency_ms, 0.90) as p90_ms,
    quantile_disc(latency_ms, 0.99) as p99_ms
from requests
where latency_ms is not null
group by endpoint
order by endpoint
