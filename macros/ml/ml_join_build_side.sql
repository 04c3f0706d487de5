{#- Hash joins build on the side the SQL puts on the right, for the length of
    one model: pre-hook ml_join_build_as_written(), post-hook
    ml_join_build_reset().

    Why: DuckDB estimates an aggregate over an inequality join (activity
    before each request time) by the join's worst case, billions of rows for
    tens of thousands, and then builds its hash table on the millions of
    requests instead. At 1M events that made int_pit_activity_counts spill
    6.7 GB and take 40 s, against 0.35 GB and 11 s built on the written side
    (rows identical). Only a model whose joins are all written with the small
    side on the right may use it. DuckDB's setting is global: a model running
    beside one of these is planned the same way meanwhile, which can change
    its speed, never its rows. Other engines: no hint. -#}
{% macro ml_join_build_as_written() -%}
    {{ return(adapter.dispatch('ml_join_build_as_written', 'social_ml')()) }}
{%- endmacro %}

{% macro duckdb__ml_join_build_as_written() -%}
    set disabled_optimizers = 'build_side_probe_side'
{%- endmacro %}

{% macro default__ml_join_build_as_written() -%}
{%- endmacro %}

{% macro ml_join_build_reset() -%}
    {{ return(adapter.dispatch('ml_join_build_reset', 'social_ml')()) }}
{%- endmacro %}

{% macro duckdb__ml_join_build_reset() -%}
    reset disabled_optimizers
{%- endmacro %}

{% macro default__ml_join_build_reset() -%}
{%- endmacro %}
