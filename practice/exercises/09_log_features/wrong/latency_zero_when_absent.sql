-- why: coalesces a missing latency to 0, dragging the average down
-- expect: the values in 'avg_latency_ms' are wrong
-- fails-on: visible
with parsed as (
    select
        try_cast(regexp_extract(line, '^(\S+)Z ', 1) as timestamp) as logged_at,
        cast(nullif(regexp_extract(line, ' user=(\d+)', 1), '') as bigint) as user_id,
        coalesce(
            cast(nullif(regexp_extract(line, ' latency_ms=(\d+)', 1), '') as integer), 0
        ) as latency_ms,
        cast(nullif(regexp_extract(line, ' status=(\d+)', 1), '') as integer) as status
    from app_logs
    where regexp_matches(
        line,
        '^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z (DEBUG|INFO|WARN|ERROR) \S+( \w+=\S+)*$'
    )
)

select
    user_id,
    count(*) as n_requests,
    count(*) filter (where status >= 500) as n_errors,
    round(count(*) filter (where status >= 500) / count(*), 4) as error_rate,
    round(avg(latency_ms), 1) as avg_latency_ms,
    max(logged_at) as last_seen_at
from parsed
where user_id is not null and logged_at is not null
group by user_id
