{{ config(meta={'dagster': {'ref': {'name': 'stg_social__app_logs'}}}) }}
-- Every raw log line is either parsed or quarantined with a reason.
{{ reconcile_raw_rows('raw', 'app_logs', [
    ref('stg_social__app_logs'),
    ref('stg_social__app_logs_quarantine'),
]) }}
