{#-
    Incremental, append after a pre-hook delete, keyed by user
    (macros/stream/changed_keys.sql): a run re-aggregates every session of
    each user whose staged events changed, as int_events_sessionized
    renumbers them.
-#}
{{ config(**stream_keyed_incremental(
    'user', 'user_id', ['stg_social__events_validated'],
)) }}

with

sessionized as (
    select * from {{ ref('int_events_sessionized') }}
    where {{ stream_keep_claimed('user', 'user_id') }}
),

final as (
    select
        session_id,
        user_id,
        min(session_number) as session_number,
        min(event_at) as started_at,
        max(event_at) as ended_at,
        {{ ml_datediff('min(event_at)', 'max(event_at)', 'second') }} as duration_seconds,
        count(*) as event_count,
        count(case when {{ is_engagement('event_type') }} then 1 end) as engagement_count
    from sessionized
    group by session_id, user_id
)

select * from final
