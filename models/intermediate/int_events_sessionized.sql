{#-
    Gaps and islands: an event opens a new session when it is the user's first
    or comes more than session_gap_minutes after the user's previous event (a
    gap of exactly session_gap_minutes stays in the session). A running sum of
    those openings numbers the sessions.

    Incremental (append after a pre-hook delete, macros/stream/sessions_reopened.sql):
    a run renumbers, for each user the new batches touch, only the sessions
    a change can reach, continuing from the last session kept, so a session
    spanning two batches is one session.
-#}
{{ config(
    materialized='incremental',
    tags=['stream'],
    incremental_strategy='append',
    on_schema_change='fail',
    pre_hook=["{{ stream_rebuild_unless_landing() }}", "{{ sessions_delete_reopened() }}"],
    post_hook="{{ stream_mark_absorbed() }}",
) }}

{#- A full build renumbers every user from nothing kept; an incremental run the
    users with unabsorbed changes, from what the pre-hook kept. -#}
{%- if is_incremental() %}
    {%- set renumbered_users = sessions_changed_users() %}
    {%- set kept_rows = this %}
{%- else %}
    {%- set renumbered_users = '(select distinct user_id from ' ~ ref('stg_social__events') ~ ')' %}
    {%- set kept_rows = '(select cast(null as bigint) as user_id, cast(null as timestamp) as event_at,'
        ~ ' cast(null as integer) as session_number where false)' %}
{%- endif %}

with

-- Each renumbered user's last kept event and session.
kept as (
    select
        renumbered.user_id,
        max(kept_events.event_at) as kept_until,
        coalesce(max(kept_events.session_number), 0) as kept_sessions
    from {{ renumbered_users }} as renumbered
    left join {{ kept_rows }} as kept_events
        on renumbered.user_id = kept_events.user_id
    group by renumbered.user_id
),

events as (
    select
        clean.*,
        kept.kept_sessions
    from {{ ref('stg_social__events') }} as clean
    inner join kept
        on clean.user_id = kept.user_id
    where kept.kept_until is null or clean.event_at > kept.kept_until
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
        cast(user_id as string) || '-' || cast(kept_sessions + session_number as string) as session_id,
        cast(kept_sessions + session_number as integer) as session_number,
        is_session_start = 1 as is_session_start
    from numbered
)

select * from final
