with

users_quarantine as (
    select
        'users' as source_table,
        'quarantined' as disposition,
        quarantine_reason as reason
    from {{ ref('stg_social__users_quarantine') }}
),

tweets_quarantine as (
    select
        'tweets' as source_table,
        'quarantined' as disposition,
        quarantine_reason as reason
    from {{ ref('stg_social__tweets_quarantine') }}
),

follows_quarantine as (
    select
        'follows' as source_table,
        'quarantined' as disposition,
        quarantine_reason as reason
    from {{ ref('stg_social__follows_quarantine') }}
),

events_quarantine as (
    select
        'events' as source_table,
        'quarantined' as disposition,
        quarantine_reason as reason
    from {{ ref('stg_social__events_quarantine') }}
),

events_duplicates as (
    select
        'events' as source_table,
        'duplicate' as disposition,
        'duplicate_delivery' as reason
    from {{ ref('stg_social__events_duplicates') }}
),

app_logs_quarantine as (
    select
        'app_logs' as source_table,
        'quarantined' as disposition,
        quarantine_reason as reason
    from {{ ref('stg_social__app_logs_quarantine') }}
),

set_aside as (
    select * from users_quarantine
    union all
    select * from tweets_quarantine
    union all
    select * from follows_quarantine
    union all
    select * from events_quarantine
    union all
    select * from events_duplicates
    union all
    select * from app_logs_quarantine
),

final as (
    select
        source_table,
        disposition,
        reason,
        count(*) as row_count
    from set_aside
    group by source_table, disposition, reason
)

select * from final
