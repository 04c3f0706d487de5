-- percentiles: one row per endpoint, ordered by endpoint.
-- Output columns: endpoint, n_requests, n_timeouts, p50_ms, p90_ms, p99_ms
-- Grade it: python -m practice check percentiles THIS_FILE.sql
with requests as (
    select * from requests
),

final as (
    select
        endpoint,
        count(*) as n_requests,
        0 as n_timeouts,
        min(latency_ms) as p50_ms,
        min(latency_ms) as p90_ms,
        max(latency_ms) as p99_ms
    from requests
    group by endpoint
)

select * from final
