{{ config(meta={'dagster': {'ref': {'name': 'stg_social__events'}}}) }}
-- raw events = clean + quarantined + duplicate deliveries removed (in a landing
-- zone, of the batches staged: stg_social__events_validated holds every row staged).
{{ reconcile_raw_rows('raw', 'events', [
    ref('stg_social__events'),
    ref('stg_social__events_quarantine'),
    ref('stg_social__events_duplicates'),
], staged_batches=ref('stg_social__events_validated')) }}
