{#-
    Every per-row rule of one table in one scan and one dbt node: fails with
    one row per broken rule, naming it, with how many rows break it.

    One node per column and rule (a not_null test per column, and so on) had
    cost ~600 nodes: each parsed on every dbt call, and each a query of its
    own at build time, on the wide feature tables mostly per-node overhead
    and repeated scans rather than checking.

    Arguments, any of them (each rule as its single-column test would have it):
    - not_null: [columns]; fails on NULL.
    - accepted_values: [{column, values, quote: true}]; NULLs pass.
    - ranges: [{columns: [...], min_value, max_value, inclusive: true}];
      either bound optional, not both; NULLs pass.
    - expressions: [{expression, where, name}]; fails where the expression
      is false or NULL, among rows where `where` holds; `name` labels it.
-#}
{% test row_checks(model, not_null=[], accepted_values=[], ranges=[], expressions=[]) %}
{%- set parts = row_check_parts(row_check_rules(not_null, accepted_values, ranges, expressions)) -%}
with

counted as (
    select
        {{ parts['sums'] | join(',\n        ') }}
    from {{ model }}
),

per_rule as (
    {{ parts['rows'] | join('\n    union all\n    ') }}
),

failures as (
    select *
    from per_rule
    where failing_rows > 0
)

select * from failures
{% endtest %}

{#- The select-list items of row_checks' one scan, and its one select per rule. -#}
{% macro row_check_parts(checks) -%}
    {%- set sums = [] -%}
    {%- set rows = [] -%}
    {%- for check in checks -%}
        {%- do sums.append(
            'sum(case when ' ~ check['failing'] ~ ' then 1 else 0 end) as failing_' ~ loop.index
        ) -%}
        {%- do rows.append(
            "select\n        '" ~ check['rule'] | replace("'", "''") ~ "' as rule,\n        failing_"
            ~ loop.index ~ ' as failing_rows\n    from counted'
        ) -%}
    {%- endfor -%}
    {{ return({'sums': sums, 'rows': rows}) }}
{%- endmacro %}

{#- [{rule, failing}]: `rule` names the rule in words, `failing` is the SQL
    condition true for a row that breaks it. -#}
{% macro row_check_rules(not_null=[], accepted_values=[], ranges=[], expressions=[]) -%}
    {%- set checks = [] -%}
    {%- for column in not_null -%}
        {%- do checks.append({'rule': 'not_null(' ~ column ~ ')', 'failing': column ~ ' is null'}) -%}
    {%- endfor -%}
    {%- for entry in accepted_values -%}
        {%- set quoted = [] -%}
        {%- for value in entry['values'] -%}
            {%- do quoted.append(
                "'" ~ (value | string | replace("'", "''")) ~ "'" if entry.get('quote', true) else value | string
            ) -%}
        {%- endfor -%}
        {%- do checks.append({
            'rule': 'accepted_values(' ~ entry['column'] ~ ')',
            'failing': entry['column'] ~ ' is not null and ' ~ entry['column']
                ~ ' not in (' ~ quoted | join(', ') ~ ')',
        }) -%}
    {%- endfor -%}
    {%- for check in row_check_ranges(ranges) -%}
        {%- do checks.append(check) -%}
    {%- endfor -%}
    {%- for entry in expressions -%}
        {%- set expression = entry['expression'] | trim -%}
        {%- set failing = 'not coalesce(' ~ expression ~ ', false)' -%}
        {%- if entry.get('where') -%}
            {%- set failing = 'coalesce(' ~ entry['where'] ~ ', false) and ' ~ failing -%}
        {%- endif -%}
        {%- do checks.append({
            'rule': entry.get('name') or 'expression(' ~ (expression.split() | join(' ')) ~ ')',
            'failing': failing,
        }) -%}
    {%- endfor -%}
    {%- if not checks -%}
        {{ exceptions.raise_compiler_error(
            'row_checks needs a rule: not_null, accepted_values, ranges or expressions'
        ) }}
    {%- endif -%}
    {{ return(checks) }}
{%- endmacro %}

{#- One rule per column of `ranges`: a non-null value outside the bounds. -#}
{% macro row_check_ranges(ranges) -%}
    {%- set checks = [] -%}
    {%- for range in ranges -%}
        {%- set min_value = range.get('min_value') -%}
        {%- set max_value = range.get('max_value') -%}
        {%- set inclusive = range.get('inclusive', true) -%}
        {%- if min_value is none and max_value is none -%}
            {{ exceptions.raise_compiler_error('row_checks: a range needs min_value or max_value') }}
        {%- endif -%}
        {%- for column in range['columns'] -%}
            {%- set bounds = [] -%}
            {%- if min_value is not none -%}
                {%- do bounds.append(column ~ (' >= ' if inclusive else ' > ') ~ min_value) -%}
            {%- endif -%}
            {%- if max_value is not none -%}
                {%- do bounds.append(column ~ (' <= ' if inclusive else ' < ') ~ max_value) -%}
            {%- endif -%}
            {%- do checks.append({
                'rule': 'accepted_range(' ~ column ~ ')',
                'failing': column ~ ' is not null and not (' ~ bounds | join(' and ') ~ ')',
            }) -%}
        {%- endfor -%}
    {%- endfor -%}
    {{ return(checks) }}
{%- endmacro %}
