{#-
    ml_unpivot(relation, columns, key_columns, name_column, value_column): a
    table expression (use it after `from`, give it an alias) with one row per
    row of `relation` and per column of `columns` whose value is not NULL: the
    row's `key_columns`, the column's name as `name_column` (string) and its
    value as `value_column`. NULL values are dropped, so a caller marks "no
    value here" with NULL. The columns must share one type. It streams (one
    scan, nothing materialised), so unpivoting small values such as bin numbers
    stays cheap for many rows and columns. Engine-specific, so dispatched.
-#}
{% macro ml_unpivot(relation, columns, key_columns, name_column, value_column) -%}
    {{ return(adapter.dispatch('ml_unpivot', 'social_ml')(
        relation, columns, key_columns, name_column, value_column
    )) }}
{%- endmacro %}

{#- Any SQL engine: a cross join with the list of column names and a CASE
    picking the named column. -#}
{% macro default__ml_unpivot(relation, columns, key_columns, name_column, value_column) -%}
    {%- set source_keys = [] -%}
    {%- for key in key_columns -%}
        {%- do source_keys.append('unpivot_source.' ~ key) -%}
    {%- endfor -%}
    {%- set picks = [] -%}
    {%- set names = [] -%}
    {%- for column in columns -%}
        {%- do picks.append("when '" ~ column ~ "' then unpivot_source." ~ column) -%}
        {%- do names.append("select cast('" ~ column ~ "' as string) as column_name") -%}
    {%- endfor -%}
    (
        select
            {{ key_columns | join(', ') }},
            {{ name_column }},
            {{ value_column }}
        from (
            select
                {{ source_keys | join(', ') }},
                unpivot_names.column_name as {{ name_column }},
                case unpivot_names.column_name {{ picks | join(' ') }} end as {{ value_column }}
            from {{ relation }} as unpivot_source
            cross join ({{ names | join(' union all ') }}) as unpivot_names
        ) as unpivot_rows
        where {{ value_column }} is not null
    )
{%- endmacro %}

{#- DuckDB: UNPIVOT (it drops NULL values unless told INCLUDE NULLS). -#}
{% macro duckdb__ml_unpivot(relation, columns, key_columns, name_column, value_column) -%}
    (
        select
            {{ key_columns | join(', ') }},
            {{ name_column }},
            {{ value_column }}
        from (
            unpivot {{ relation }}
            on {{ columns | join(', ') }}
            into name {{ name_column }} value {{ value_column }}
        ) as unpivot_rows
    )
{%- endmacro %}
