with app_logs as (
    select * from app_logs
),

well_formed as (
    select
        log_id,
        line,
        try_cast(regexp_extract(line, '^(\S+)Z ', 1) as timestamp) as logged_at
    from app_logs
    where regexp_matches(
            line,
            '^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z (DEBUG|INFO|WARN|ERROR) \S+( \w+=\S+)*$'
        )
),

parsed as (
    select
        log_id,
        logged_at,
        cast(nullif(regexp_extract(line, ' user=(\d+)', 1), '') as bigint) as user_id,
        cast(nullif(regexp_extract(line, ' latency_ms=(\d+)', 1), '') as integer)
            as latency_ms,
        cast(nullif(regexp_extract(line, ' status=(\d+)', 1), '') as integer) as status
    from well_formed
    where logged_at is not null
),

final as (
    select
        user_id,
        count(*) as n_requests,
        count(*) filter (where status >= 500) as n_errors,
        round(count(*) filter (where status >= 500) / count(*), 4) as error_rate,
        round(avg(latency_ms), 1) as avg_latency_ms,
        max(logged_at) as last_seen_at
    from parsed
    where user_id is not null
    group by user_id
)

select * from final
