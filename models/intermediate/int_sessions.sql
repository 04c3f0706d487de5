with

sessionized as (
    select * from {{ ref('int_events_sessionized') }}
),

final as (
    select
        session_id,
        user_id,
        min(session_number) as session_number,
        min(event_at) as started_at,
        max(event_at) as ended_at,
        date_diff('second', min(event_at), max(event_at)) as duration_seconds,
        count(*) as event_count,
        count(case when {{ is_engagement('event_type') }} then 1 end) as engagement_count
    from sessionized
    group by session_id, user_id
)

select * from final
