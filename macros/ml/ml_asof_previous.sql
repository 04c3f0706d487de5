{#- As-of lookup: each row of the relation `left` (a CTE name; its columns
    `left_columns`, among them `left_id`, a column or a list of columns that
    is unique) with the `columns` of the
    latest row of `right` that has the same `key` and a `right_at` strictly
    before the left row's `left_at`, or NULLs when there is none (a left as-of
    join). Returns a parenthesised subquery (alias it) of left_columns then
    columns, unqualified (name them apart). -#}
{% macro ml_asof_previous(left, left_columns, right, key, left_at, right_at, columns, left_id) -%}
    {{ return(adapter.dispatch('ml_asof_previous', 'social_ml')(
        left, left_columns, right, key, left_at, right_at, columns, left_id
    )) }}
{%- endmacro %}

{#- DuckDB's ASOF JOIN finds the latest match without ranking every earlier row. -#}
{% macro duckdb__ml_asof_previous(left, left_columns, right, key, left_at, right_at, columns, left_id) -%}
    {%- set selected = [] -%}
    {%- for column in left_columns -%}
        {%- do selected.append(left ~ '.' ~ column) -%}
    {%- endfor -%}
    {%- for column in columns -%}
        {%- do selected.append(right ~ '.' ~ column) -%}
    {%- endfor -%}
    (
        select {{ selected | join(', ') }}
        from {{ left }}
        asof left join {{ right }}
            on
                {{ left }}.{{ key }} = {{ right }}.{{ key }}
                and {{ left }}.{{ left_at }} > {{ right }}.{{ right_at }}
    )
{%- endmacro %}

{#- Portable (standard SQL, e.g. Spark): join every earlier row and keep the
    latest per left row. -#}
{% macro default__ml_asof_previous(left, left_columns, right, key, left_at, right_at, columns, left_id) -%}
    {%- set selected = [] -%}
    {%- set ranked_columns = [] -%}
    {%- for column in left_columns -%}
        {%- do selected.append(left ~ '.' ~ column) -%}
        {%- do ranked_columns.append('ranked.' ~ column) -%}
    {%- endfor -%}
    {%- for column in columns -%}
        {%- do selected.append(right ~ '.' ~ column) -%}
        {%- do ranked_columns.append('ranked.' ~ column) -%}
    {%- endfor -%}
    {%- set id_columns = [] -%}
    {%- for column in ([left_id] if left_id is string else left_id) -%}
        {%- do id_columns.append(left ~ '.' ~ column) -%}
    {%- endfor -%}
    (
        select {{ ranked_columns | join(', ') }}
        from (
            select
                {{ selected | join(', ') }},
                row_number() over (
                    partition by {{ id_columns | join(', ') }}
                    order by {{ right }}.{{ right_at }} desc
                ) as asof_rank
            from {{ left }}
            left join {{ right }}
                on
                    {{ left }}.{{ key }} = {{ right }}.{{ key }}
                    and {{ left }}.{{ left_at }} > {{ right }}.{{ right_at }}
        ) as ranked
        where ranked.asof_rank = 1
    )
{%- endmacro %}
