{{ config(meta={'dagster': {'ref': {'name': 'stg_social__follows'}}}) }}
-- Every raw follow row is either a clean edge or quarantined with a reason.
{{ reconcile_raw_rows('raw', 'follows', [
    ref('stg_social__follows'),
    ref('stg_social__follows_quarantine'),
]) }}
