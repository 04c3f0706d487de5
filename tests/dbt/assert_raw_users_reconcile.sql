{{ config(meta={'dagster': {'ref': {'name': 'stg_social__users'}}}) }}
-- Every raw user row is either a clean user or quarantined with a reason.
{{ reconcile_raw_rows('raw', 'users', [
    ref('stg_social__users'),
    ref('stg_social__users_quarantine'),
]) }}
