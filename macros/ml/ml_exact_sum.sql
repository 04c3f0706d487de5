{#- sum(expr) that does not depend on the order rows arrive in: each term is
    rounded to 1e-12 and summed as a 128-bit integer, which is exact. A plain
    floating sum over a parallel hash aggregate differs in its last bits from
    run to run, and rounded to fixed decimals it sometimes lands on the other
    side, so a stream replay and a full refresh would rank two tweets
    differently. Terms must stay below about 1e26 in absolute value. `over`:
    a window clause ('partition by ...') to use it as a window function. -#}
{% macro ml_exact_sum(expr, over=none) -%}
    {%- set integer_type = ml_exact_sum_integer_type() -%}
    (
        cast(
            sum(cast(round(({{ expr }}) * 1e12) as {{ integer_type }})){{ ' over (' ~ over ~ ')' if over }}
            as double
        ) / 1e12
    )
{%- endmacro %}

{#- An integer type that holds a sum of terms below 1e26 exactly. -#}
{% macro ml_exact_sum_integer_type() -%}
    {{ return(adapter.dispatch('ml_exact_sum_integer_type', 'social_ml')()) }}
{%- endmacro %}

{% macro duckdb__ml_exact_sum_integer_type() -%}
    hugeint
{%- endmacro %}

{% macro default__ml_exact_sum_integer_type() -%}
    decimal(38, 0)
{%- endmacro %}
