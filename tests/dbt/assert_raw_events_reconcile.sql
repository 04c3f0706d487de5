{{ config(meta={'dagster': {'ref': {'name': 'stg_social__events'}}}) }}
-- raw events = clean + quarantined + duplicate deliveries removed.
{{ reconcile_raw_rows('raw', 'events', [
    ref('stg_social__events'),
    ref('stg_social__events_quarantine'),
    ref('stg_social__events_duplicates'),
]) }}
