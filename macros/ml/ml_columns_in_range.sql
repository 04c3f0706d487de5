{#-
    Fails with one row per column that has a non-null value outside its
    bounds, with how many rows break them: the same check as one
    accepted_range test per column (NULLs pass, bounds inclusive unless
    `inclusive: false`), in one scan of the model and one dbt node instead of
    one per column, which on the wide feature tables cost more in per-test
    overhead and repeated scans than the checks themselves.

    `ranges` is a list of {columns: [...], min_value: x, max_value: y,
    inclusive: true}; either bound may be left out, not both.
-#}
{% test ml_columns_in_range(model, ranges) %}
{%- set parts = ml_range_failure_parts(ranges) -%}
with

counted as (
    select
        {{ parts['sums'] | join(',\n        ') }}
    from {{ model }}
),

per_column as (
    {{ parts['rows'] | join('\n    union all\n    ') }}
),

failures as (
    select *
    from per_column
    where failing_rows > 0
)

select * from failures
{% endtest %}

{#- One {column, failing} per column of `ranges`: `failing` is the SQL
    condition true for a non-null value outside the column's bounds. -#}
{% macro ml_range_checks(ranges) -%}
    {%- set checks = [] -%}
    {%- for range in ranges -%}
        {%- set min_value = range.get('min_value') -%}
        {%- set max_value = range.get('max_value') -%}
        {%- set inclusive = range.get('inclusive', true) -%}
        {%- if min_value is none and max_value is none -%}
            {{ exceptions.raise_compiler_error('ml_columns_in_range needs min_value or max_value') }}
        {%- endif -%}
        {%- for column in range['columns'] -%}
            {%- set lower_bound = 'true' if min_value is none
                else column ~ (' >= ' if inclusive else ' > ') ~ min_value -%}
            {%- set upper_bound = 'true' if max_value is none
                else column ~ (' <= ' if inclusive else ' < ') ~ max_value -%}
            {%- do checks.append({
                'column': column,
                'failing': column ~ ' is not null and not (' ~ lower_bound ~ ' and ' ~ upper_bound ~ ')',
            }) -%}
        {%- endfor -%}
    {%- endfor -%}
    {{ return(checks) }}
{%- endmacro %}

{#- The select-list items and per-column selects of ml_columns_in_range. -#}
{% macro ml_range_failure_parts(ranges) -%}
    {%- set checks = ml_range_checks(ranges) -%}
    {%- set sums = [] -%}
    {%- set rows = [] -%}
    {%- for check in checks -%}
        {%- do sums.append(
            'sum(case when ' ~ check['failing'] ~ ' then 1 else 0 end) as failures_' ~ loop.index
        ) -%}
        {%- do rows.append(
            "select\n        '" ~ check['column'] ~ "' as column_name,\n        failures_" ~ loop.index
            ~ ' as failing_rows\n    from counted'
        ) -%}
    {%- endfor -%}
    {{ return({'sums': sums, 'rows': rows}) }}
{%- endmacro %}
