{#-
    ingestion_clock(): the latest time a raw event can have been received, as
    a timestamp literal: when this dbt invocation started (UTC), or the var
    ingestion_clock when set (a replay of old files, or a test pinning time).
    An ingested_at later than it (plus future_tolerance_seconds) is a clock
    error, quarantined as ingested_in_future, so one stray row cannot stretch
    every window and calendar to a year that has not happened.
-#}
{% macro ingestion_clock() -%}
    {%- set pinned = var('ingestion_clock', none) -%}
    {%- if pinned -%}
        cast('{{ pinned }}' as timestamp)
    {%- else -%}
        {{ run_started_timestamp() }}
    {%- endif -%}
{%- endmacro %}


{#- run_started_timestamp(): when this dbt invocation started (UTC, whole
    seconds), as a timestamp literal. (The linter renders without dbt's
    run_started_at: it gets the epoch.) -#}
{% macro run_started_timestamp() -%}
    {%- if run_started_at is defined -%}
        cast('{{ run_started_at.strftime("%Y-%m-%d %H:%M:%S") }}' as timestamp)
    {%- else -%}
        cast('1970-01-01 00:00:00' as timestamp)
    {%- endif -%}
{%- endmacro %}
