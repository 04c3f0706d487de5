{#-
    Gaps and islands: an event opens a new session when it is the user's first
    or comes more than session_gap_minutes after the user's previous event (a
    gap of exactly session_gap_minutes stays in the session). A running sum of
    those openings numbers the sessions.
-#}

with

events as (
    select * from {{ ref('stg_social__events') }}
),

with_previous as (
    select
        *,
        lag(event_at) over (
            partition by user_id
            order by event_at, event_id
        ) as previous_event_at
    from events
),

session_starts as (
    select
        *,
        case
            when previous_event_at is null then 1
            when
                event_at > previous_event_at + interval '{{ var("session_gap_minutes") }} minutes'
                then 1
            else 0
        end as is_session_start
    from with_previous
),

numbered as (
    select
        *,
        sum(is_session_start) over (
            partition by user_id
            order by event_at, event_id
            rows between unbounded preceding and current row
        ) as session_number
    from session_starts
),

final as (
    select
        event_id,
        user_id,
        tweet_id,
        event_type,
        event_at,
        cast(user_id as varchar) || '-' || cast(session_number as varchar) as session_id,
        cast(session_number as integer) as session_number,
        is_session_start = 1 as is_session_start
    from numbered
)

select * from final
