with events as (
    select * from events
    where user_id is not null
),

with_previous as (
    select
        *,
        lag(event_ts) over (
            partition by user_id order by event_ts, event_id
        ) as previous_ts
    from events
),

flagged as (
    select
        *,
        case
            when previous_ts is null then 1
            when event_ts - previous_ts > interval '30 minutes' then 1
            else 0
        end as is_session_start
    from with_previous
),

numbered as (
    select
        *,
        cast(sum(is_session_start) over (
            partition by user_id
            order by event_ts, event_id
            rows between unbounded preceding and current row
        ) as bigint) as session_number
    from flagged
),

final as (
    select
        user_id,
        session_number,
        min(event_ts) as session_start,
        max(event_ts) as session_end,
        count(*) as n_events,
        date_diff('second', min(event_ts), max(event_ts)) as duration_seconds
    from numbered
    group by user_id, session_number
)

select * from final
