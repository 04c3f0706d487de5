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
