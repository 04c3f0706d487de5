{#- `name as {{ ml_cte_not_materialized() }} (...)`: the CTE is inlined into
    each of its readers instead of computed once and held. DuckDB materializes a
    CTE read more than once, keeping every column any reader needs for all its
    rows; when the CTE is a cheap scan and each reader wants a few of its
    columns, scanning again costs less (int_pit_activity_counts' requests, read
    a dozen times, at 1M events: 11.8-12.3 s materialized, 10.3-10.6 s not,
    rows identical). Other engines: no hint. -#}
{% macro ml_cte_not_materialized() -%}
    {{ return(adapter.dispatch('ml_cte_not_materialized', 'social_ml')()) }}
{%- endmacro %}

{% macro duckdb__ml_cte_not_materialized() -%}
    not materialized
{%- endmacro %}

{% macro default__ml_cte_not_materialized() -%}
{%- endmacro %}
