-- log-features: one row per user seen in a well-formed log line.
-- Output columns: user_id, n_requests, n_errors, error_rate, avg_latency_ms, last_seen_at
-- Grade it: python -m practice check log-features THIS_FILE.sql
with app_logs as (
    select * from app_logs
),

parsed as (
    select cast(nullif(regexp_extract(line, 'user=(\d+)', 1), '') as bigint) as user_id
    from app_logs
),

final as (
    select
        user_id,
        count(*) as n_requests,
        0 as n_errors,
        0.0 as error_rate,
        null as avg_latency_ms,
        null as last_seen_at
    from parsed
    where user_id is not null
    group by user_id
)

select * from final
