{#-
    string_agg_ordered(expression, separator, order_by): the group's non-null
    values of `expression` joined by `separator` in the order `order_by` (SQL of
    an ORDER BY list) gives; null when there are none. DuckDB orders inside the
    call, Spark (4.0 on) with WITHIN GROUP, which DuckDB does not take for it.
    Nulls sort last in DuckDB and first in Spark's ascending order: a nullable
    sort key says NULLS FIRST or NULLS LAST.
-#}
{% macro string_agg_ordered(expression, separator, order_by) -%}
    {{ return(adapter.dispatch('string_agg_ordered', 'social_ml')(expression, separator, order_by)) }}
{%- endmacro %}

{% macro default__string_agg_ordered(expression, separator, order_by) -%}
    string_agg({{ expression }}, {{ separator }} order by {{ order_by }})
{%- endmacro %}

{% macro spark__string_agg_ordered(expression, separator, order_by) -%}
    string_agg({{ expression }}, {{ separator }}) within group (order by {{ order_by }})
{%- endmacro %}
