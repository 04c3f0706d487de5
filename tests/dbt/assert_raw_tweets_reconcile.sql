{{ config(meta={'dagster': {'ref': {'name': 'stg_social__tweets'}}}) }}
-- Every raw tweet row is either a clean tweet or quarantined with a reason.
{{ reconcile_raw_rows('raw', 'tweets', [
    ref('stg_social__tweets'),
    ref('stg_social__tweets_quarantine'),
]) }}
