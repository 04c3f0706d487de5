{#-
    Which of a user's sessions a change can reach (int_events_sessionized,
    incremental). A changed event (added, or no longer clean) at time t can
    join or split only sessions that end at or after t - session_gap_minutes:
    an earlier session ends more than a gap before anything that changed. So
    per user: keep every session that ended before (earliest change - gap),
    renumber the rest. The first event after the kept ones always opens a
    session (it comes more than a gap after the last kept event).
-#}

{#- SQL: (user_id, changed_from), the earliest event time each user's
    unabsorbed changes touch. -#}
{% macro sessions_changed_users() -%}
    (
        select changes.user_id, min(changes.event_at) as changed_from
        from {{ stream_unabsorbed_rows(ref('stg_social__events_validated')) }} as changes
        where changes.user_id is not null and changes.event_at is not null
        group by changes.user_id
    )
{%- endmacro %}


{#- pre-hook: delete each changed user's sessions from the first one a change can reach. -#}
{% macro sessions_delete_reopened() -%}
    {%- if execute and is_incremental() -%}
        {%- set reopened -%}
        (
            select sessions.user_id, min(sessions.session_number) as first_reopened
            from (
                select user_id, session_number, max(event_at) as ended_at
                from {{ this }}
                group by user_id, session_number
            ) as sessions
            inner join {{ sessions_changed_users() }} as changed
                on sessions.user_id = changed.user_id
            where
                sessions.ended_at
                >= changed.changed_from - interval '{{ var("session_gap_minutes") }} minutes'
            group by sessions.user_id
        )
        {%- endset -%}
        {{ run_statements(delete_rows(
            this,
            'kept.user_id = reopened.user_id and kept.session_number >= reopened.first_reopened',
            alias='kept', using=reopened, using_alias='reopened',
        )) }}
    {%- endif -%}
{%- endmacro %}
