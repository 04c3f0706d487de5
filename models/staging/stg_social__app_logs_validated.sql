{#- A table: the clean and quarantine models both read it. -#}
{{ config(
    materialized='table',
    post_hook="{{ fail_when_mostly_quarantined('app_logs') }}",
) }}

{#-
    A well-formed line: `<ISO timestamp>Z <LEVEL> <action>` then zero or more
    ` key=value` pairs from the contract's keys (numeric values, client a word;
    user as the users' ids are written: whole numbers, or text ids).
-#}
{%- set text_user_ids = raw_id_format('user') == 'text' -%}
{%- set user_value = '[A-Za-z0-9_.:-]{1,64}' if text_user_ids else '[0-9]{1,18}' -%}
{%- set ts_pattern = '[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}(?:[.][0-9]{1,6})?Z' -%}
{%- set pair_pattern = (
    '(?: user=' ~ user_value ~ '| (?:tweets|latency_ms|status)=[0-9]{1,9}| client=[a-z]+)'
) -%}
{%- set line_pattern = (
    '(' ~ ts_pattern ~ ') (DEBUG|INFO|WARN|ERROR) ([a-z][a-z0-9_.]*)(' ~ pair_pattern ~ '*)'
) -%}

-- depends_on: {{ ref('stg_social__id_formats') }}

with

source as (
    select * from {{ read_raw('raw', 'app_logs') }}
),

typed as (
    select
        {{ raw_text('log_id') }} as raw_log_id,
        cast(line as varchar) as raw_line,
        {{ parse_raw_bigint('log_id') }} as log_id,
        {{ regex_full_match('cast(line as varchar)', line_pattern) }} as is_well_formed
    from source
),

parsed as (
    select
        *,
        {{ parse_iso_timestamp(regex_extract('raw_line', '^(' ~ ts_pattern ~ ') ')) }} as logged_at,
        {{ regex_extract('raw_line', '^[^ ]+ ([A-Z]+) ') }} as level,
        {{ regex_extract('raw_line', '^[^ ]+ [A-Z]+ ([^ ]+)') }} as action,
        {%- set user_text = regex_extract('raw_line', ' user=(' ~ user_value ~ ')( |$)') %}
        {%- if text_user_ids %}
            {{ raw_text_id_hash(user_text) }} as user_id,
        {%- else %}
            try_cast({{ user_text }} as bigint) as user_id,
        {%- endif %}
        try_cast({{ regex_extract('raw_line', ' tweets=([0-9]+)') }} as integer) as tweet_count,
        try_cast({{ regex_extract('raw_line', ' latency_ms=([0-9]+)') }} as integer) as latency_ms,
        try_cast({{ regex_extract('raw_line', ' status=([0-9]+)') }} as integer) as status_code,
        {{ regex_extract('raw_line', ' client=([a-z]+)') }} as client
    from typed
),

row_checked as (
    select
        *,
        case
            when raw_log_id is null then 'missing_id'
            when log_id is null then 'malformed_id'
            -- Every action logs latency_ms and status: a line without them was cut short.
            when
                raw_line is null
                or not is_well_formed
                or latency_ms is null
                or status_code is null
                then 'unparseable_log_line'
            when logged_at is null then 'malformed_timestamp'
        end as row_reason
    from parsed
),

key_ranked as (
    select
        *,
        row_number() over (
            partition by log_id, row_reason is null
            order by raw_line
        ) as key_rank
    from row_checked
),

final as (
    select
        raw_log_id,
        raw_line,
        log_id,
        logged_at,
        level,
        action,
        user_id,
        tweet_count,
        latency_ms,
        status_code,
        client,
        case
            when row_reason is not null then row_reason
            when key_rank > 1 then 'duplicate_key'
        end as quarantine_reason
    from key_ranked
)

select * from final
