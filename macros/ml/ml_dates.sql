{#- Cross-database date helpers for the ML models. Each is dispatched, so an
    engine can override it, and the default delegates to dbt's own
    cross-database macro. (Going through adapter.dispatch also lets sqlfluff
    render the models with its stub adapter: see macros/sqlfluff_stubs.) -#}

{#- `from_expr` plus `amount_expr` units of `datepart`; amount_expr is any
    integer SQL expression (e.g. '-(7 - 1)'). -#}
{% macro ml_dateadd(datepart, amount_expr, from_expr) -%}
    {{ return(adapter.dispatch('ml_dateadd')(datepart, amount_expr, from_expr)) }}
{%- endmacro %}

{% macro default__ml_dateadd(datepart, amount_expr, from_expr) -%}
    {{ dbt.dateadd(datepart, '(' ~ amount_expr ~ ')', from_expr) }}
{%- endmacro %}

{#- Whole `datepart` units from `start_expr` to `end_expr` (positive when end
    is later). -#}
{% macro ml_datediff(start_expr, end_expr, datepart) -%}
    {{ return(adapter.dispatch('ml_datediff')(start_expr, end_expr, datepart)) }}
{%- endmacro %}

{% macro default__ml_datediff(start_expr, end_expr, datepart) -%}
    {{ dbt.datediff(start_expr, end_expr, datepart) }}
{%- endmacro %}


{#- Spark. dbt-spark's dateadd and datediff go through whole seconds (a
    microsecond added is lost; 00:00:00.9 to 00:00:01.1 is 0 seconds where
    DuckDB counts the boundary crossed) and raise on a null, which a lag()
    gives on every partition's first row. These match DuckDB: datediff counts
    the `datepart` boundaries crossed, floor(microseconds / unit) on each side,
    in integers (before 1970 too); dateadd moves by exact units. -#}
{% macro spark__ml_dateadd(datepart, amount_expr, from_expr) -%}
    timestampadd({{ datepart }}, cast(({{ amount_expr }}) as bigint), cast({{ from_expr }} as timestamp))
{%- endmacro %}

{% macro spark__ml_datediff(start_expr, end_expr, datepart) -%}
    {%- set micros = {
        'microsecond': 1, 'millisecond': 1000, 'second': 1000000,
        'minute': 60000000, 'hour': 3600000000, 'day': 86400000000,
    } -%}
    {%- if datepart not in micros -%}
        {%- do exceptions.raise_compiler_error(
            'ml_datediff on Spark: datepart must be one of ' ~ micros.keys() | join(', ')
            ~ ", not '" ~ datepart ~ "'"
        ) -%}
    {%- endif -%}
    ({{ spark_units_since_epoch(end_expr, micros[datepart]) }}
    - {{ spark_units_since_epoch(start_expr, micros[datepart]) }})
{%- endmacro %}

{#- floor(microseconds since 1970 / unit), exact: pmod is never negative. -#}
{% macro spark_units_since_epoch(expr, unit_micros) -%}
    {%- set micros = 'unix_micros(cast(' ~ expr ~ ' as timestamp))' -%}
    (({{ micros }} - pmod({{ micros }}, {{ unit_micros }})) div {{ unit_micros }})
{%- endmacro %}
