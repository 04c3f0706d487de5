with requests as (
    select * from requests
),

final as (
    select
        endpoint,
        count(*) as n_requests,
        count(*) filter (where latency_ms is null) as n_timeouts,
        quantile_disc(latency_ms, 0.50) as p50_ms,
        quantile_disc(latency_ms, 0.90) as p90_ms,
        quantile_disc(latency_ms, 0.99) as p99_ms
    from requests
    group by endpoint
)

select * from final
order by endpoint
