-- why: quantile_cont interpolates between neighbours
-- expect: 2 missing, 2 extra
-- fails-on: visible
select
    endpoint,
    count(*) as n_requests,
    count(*) filter (where latency_ms is null) as n_timeouts,
    quantile_cont(latency_ms, 0.50) as p50_ms,
    quantile_cont(latency_ms, 0.90) as p90_ms,
    quantile_cont(latency_ms, 0.99) as p99_ms
from requests
group by endpoint
order by endpoint
