with

validated as (
    select * from {{ ref('stg_social__app_logs_validated') }}
),

final as (
    select
        log_id,
        logged_at,
        level,
        action,
        user_id,
        tweet_count,
        latency_ms,
        status_code,
        client
    from validated
    where quarantine_reason is null
)

select * from final
