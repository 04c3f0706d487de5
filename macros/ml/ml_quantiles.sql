{#- Several continuous quantiles (linear interpolation, NULLs ignored) of one
    column as one array, computed from a single sort of the values: one
    percentile_cont per fraction would sort the same values once per fraction.
    `fractions` is a list of numbers in [0, 1]. Element i (1-based) of the
    array is the quantile at fractions[i - 1]; read it with ml_array_element.
    Dispatched: the array syntax differs by engine. -#}
{% macro ml_quantiles_cont(column, fractions) -%}
    {{ return(adapter.dispatch('ml_quantiles_cont')(column, fractions)) }}
{%- endmacro %}

{#- Any SQL engine with ordered-set aggregates and arrays: one
    percentile_cont per fraction, packed into an array. -#}
{% macro default__ml_quantiles_cont(column, fractions) -%}
    {%- set quantiles = [] -%}
    {%- for fraction in fractions -%}
        {%- do quantiles.append(
            'percentile_cont(' ~ fraction ~ ') within group (order by ' ~ column ~ ')'
        ) -%}
    {%- endfor -%}
    array[{{ quantiles | join(', ') }}]
{%- endmacro %}

{#- DuckDB: quantile_cont with a list of fractions sorts the values once. -#}
{% macro duckdb__ml_quantiles_cont(column, fractions) -%}
    quantile_cont({{ column }}, [{{ fractions | join(', ') }}])
{%- endmacro %}

{#- Element `position` (1-based) of an array expression. -#}
{% macro ml_array_element(array_expr, position) -%}
    {{ return(adapter.dispatch('ml_array_element')(array_expr, position)) }}
{%- endmacro %}

{% macro default__ml_array_element(array_expr, position) -%}
    {{ array_expr }}[{{ position }}]
{%- endmacro %}

{% macro spark__ml_array_element(array_expr, position) -%}
    element_at({{ array_expr }}, {{ position }})
{%- endmacro %}

{% macro spark__ml_quantiles_cont(column, fractions) -%}
    percentile({{ column }}, array({{ fractions | join(', ') }}))
{%- endmacro %}
