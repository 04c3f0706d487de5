{#-
    Which loads of stg_social__events_validated each incremental model has
    folded in: the change feed the stream path runs on.

    Every row stg_social__events_validated writes carries load_id, the dbt
    invocation that (re)wrote it. A model downstream recomputes what the rows
    of loads it has not absorbed touch (their users, hours, ...) and, once
    built, records those loads as absorbed (post-hook stream_mark_absorbed).
    A run that fails before the hook leaves its loads unabsorbed, so the next
    run redoes them: recomputing a key from all of its rows is idempotent.
-#}

{% macro stream_state_relation() -%}
    {{- return('stream_state.absorbed_loads') -}}
{%- endmacro %}


{#- on-run-start: the state table exists before any model reads it. -#}
{% macro create_stream_state_table() -%}
create schema if not exists stream_state;
create table if not exists {{ stream_state_relation() }} (
    model_name varchar not null,
    load_id varchar not null,
    absorbed_at timestamp not null
);
create table if not exists {{ stream_changed_keys_relation() }} (
    model_name varchar not null,
    load_id varchar not null,
    key_kind varchar not null,
    key_id bigint not null
);
create table if not exists {{ stream_changed_times_relation() }} (
    model_name varchar not null,
    load_id varchar not null,
    changed_from_at timestamp not null
);
create table if not exists {{ stream_bot_flags_relation() }} (
    user_id bigint not null,
    bot_since_at timestamp,
    bot_reason varchar
)
{%- endmacro %}


{#- SQL: the rows of `validated` from loads this model has not absorbed. -#}
{% macro stream_unabsorbed_rows(validated) -%}
    (
        select * from {{ validated }}
        where load_id not in (
            select absorbed.load_id from {{ stream_state_relation() }} as absorbed
            where absorbed.model_name = '{{ this.identifier }}'
        )
    )
{%- endmacro %}


{#- post-hook: every load of stg_social__events_validated now present, and every
    load in which `parents` (model names) logged changed keys or times, is absorbed by this model. -#}
{% macro stream_mark_absorbed(parents=[]) -%}
    {%- set validated = ref('stg_social__events_validated') -%}
    insert into {{ stream_state_relation() }} (model_name, load_id, absorbed_at)
    select distinct '{{ this.identifier }}', loads.load_id, now()::timestamp
    from (
        select load_id from {{ validated }}
        union
        select load_id from {{ stream_changed_keys_relation() }}
        where model_name in ('{{ parents | join("', '") }}')
        union
        select load_id from {{ stream_changed_times_relation() }}
        where model_name in ('{{ parents | join("', '") }}')
    ) as loads
    where loads.load_id not in (
        select absorbed.load_id from {{ stream_state_relation() }} as absorbed
        where absorbed.model_name = '{{ this.identifier }}'
    )
{%- endmacro %}


{#- pre-hook: outside a landing zone the events are one batch that may have
    changed (an edited seed, a new raw_events file), so an incremental model
    empties itself and forgets what it absorbed: its incremental branch then
    recomputes everything. In a landing zone, batches are immutable and this
    renders nothing. -#}
{% macro stream_rebuild_unless_landing() -%}
    {%- if execute and is_incremental() and not raw_events_are_batches() -%}
        {%- set mine = "model_name = '" ~ this.identifier ~ "'" -%}
        {%- set statements -%}
            {{ delete_rows(this) }};
            {{ delete_rows(stream_state_relation(), mine) }};
            {{ delete_rows(stream_changed_keys_relation(), mine) }};
            {{ delete_rows(stream_changed_times_relation(), mine) }}
        {%- endset -%}
        {{ run_statements(statements) }}
    {%- endif -%}
{%- endmacro %}
