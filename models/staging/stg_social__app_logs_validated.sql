{#- A table: the clean and quarantine models both read it. -#}
{{ config(
    materialized='table',
    post_hook="{{ fail_when_mostly_quarantined('app_logs') }}",
) }}

{#-
    A well-formed line: `<ISO timestamp>Z <LEVEL> <action>` then zero or more
    ` key=value` pairs from the contract's keys (numeric values, client a word;
    user as the users' ids are written: whole numbers, or text ids), at most
    var app_log_max_line_chars long. A number too large for its column
    (user: bigint; tweets, latency_ms, status: integer) is out_of_range:<key>.
-#}
{%- set text_user_ids = raw_id_format('user') == 'text' -%}
{%- set user_value = '[A-Za-z0-9_.:-]{1,64}' if text_user_ids else '-?[0-9]+' -%}
{%- set ts_pattern = '[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}(?:[.][0-9]{1,6})?Z' -%}
{%- set pair_pattern = (
    '(?: user=' ~ user_value ~ '| (?:tweets|latency_ms|status)=[0-9]+| client=[a-z]+)'
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
        cast(line as string) as raw_line,
        {{ parse_raw_bigint('log_id') }} as log_id,
        length(cast(line as string)) <= {{ var('app_log_max_line_chars') }}
        and {{ regex_full_match('cast(line as string)', line_pattern) }} as is_well_formed
    from source
),

-- The key=value texts of well-formed lines, then their typed values.
fields as (
    select
        *,
        {{ regex_extract('raw_line', ' user=(' ~ user_value ~ ')( |$)') }} as raw_user,
        {{ regex_extract('raw_line', ' tweets=([0-9]+)') }} as raw_tweets,
        {{ regex_extract('raw_line', ' latency_ms=([0-9]+)') }} as raw_latency_ms,
        {{ regex_extract('raw_line', ' status=([0-9]+)') }} as raw_status
    from typed
),

parsed as (
    select
        *,
        {{ parse_iso_timestamp(regex_extract('raw_line', '^(' ~ ts_pattern ~ ') ')) }} as logged_at,
        {{ regex_extract('raw_line', '^[^ ]+ ([A-Z]+) ') }} as level,
        {{ regex_extract('raw_line', '^[^ ]+ [A-Z]+ ([^ ]+)') }} as action,
        {%- if text_user_ids %}
            {{ raw_text_id_hash('raw_user') }} as user_id,
        {%- else %}
            try_cast(raw_user as bigint) as user_id,
        {%- endif %}
        try_cast(raw_tweets as integer) as tweet_count,
        try_cast(raw_latency_ms as integer) as latency_ms,
        try_cast(raw_status as integer) as status_code,
        {{ regex_extract('raw_line', ' client=([a-z]+)') }} as client
    from fields
),

row_checked as (
    select
        *,
        case
            when raw_log_id is null then 'missing_id'
            when {{ raw_out_of_range('raw_log_id', 'log_id') }} then 'out_of_range:log_id'
            when log_id is null then 'malformed_id'
            -- Every action logs latency_ms and status: a line without them was cut short.
            when
                raw_line is null
                or not is_well_formed
                or raw_latency_ms is null
                or raw_status is null
                then 'unparseable_log_line'
            when {{ raw_out_of_range('raw_user', 'user_id') }} then 'out_of_range:user'
            when {{ raw_out_of_range('raw_tweets', 'tweet_count') }} then 'out_of_range:tweets'
            when {{ raw_out_of_range('raw_latency_ms', 'latency_ms') }} then 'out_of_range:latency_ms'
            when {{ raw_out_of_range('raw_status', 'status_code') }} then 'out_of_range:status'
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
