with

validated as (
    select * from {{ ref('stg_social__app_logs_validated') }}
),

final as (
    select
        raw_log_id as log_id,
        quarantine_reason,
        raw_line as line
    from validated
    where quarantine_reason is not null
)

select * from final
