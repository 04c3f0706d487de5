-- why: coalesces a timed-out latency to 0 instead of leaving it out
-- expect: the values in 'p50_ms' and 'p90_ms' are wrong
-- fails-on: visible
select
    endpoint,
    count(*) as n_requests,
    count(*) filter (where latency_ms is null) as n_timeouts,
    quantile_disc(coalesce(latency_ms, 0), 0.50) as p50_ms,
    quantile_disc(coalesce(latency_ms, 0), 0.90) as p90_ms,
    quantile_disc(coalesce(latency_ms, 0), 0.99) as p99_ms
from requests
group by endpoint
order by endpoint
