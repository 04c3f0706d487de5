{#-
    ml_sum_before_instant(value, partition_by, order_by): a window expression
    (alias it yourself) giving, on each row, the sum of `value` over the rows
    of its partition whose `order_by` is strictly smaller than its own: the
    rows of the same instant (its peers) are left out, so an event never sees
    itself or anything that happened at the same time. 0, not NULL, when
    nothing came before. Rows with the same partition and order share one sort
    whatever the value, so several calls over one key cost one sort.
-#}
{% macro ml_sum_before_instant(value, partition_by, order_by) -%}
    {{ return(adapter.dispatch('ml_sum_before_instant', 'social_ml')(value, partition_by, order_by)) }}
{%- endmacro %}

{#- Any SQL engine: the running sum up to and including the peers, minus the
    peers' own sum (a one-instant RANGE frame over the same ordering). -#}
{% macro default__ml_sum_before_instant(value, partition_by, order_by) -%}
    coalesce(sum({{ value }}) over (
        partition by {{ partition_by }} order by {{ order_by }}
        range between unbounded preceding and current row
    ), 0) - coalesce(sum({{ value }}) over (
        partition by {{ partition_by }} order by {{ order_by }}
        range between current row and current row
    ), 0)
{%- endmacro %}

{#- DuckDB (and the SQL:2011 standard): EXCLUDE GROUP drops the peers from
    the frame, one framed aggregate instead of two. -#}
{% macro duckdb__ml_sum_before_instant(value, partition_by, order_by) -%}
    coalesce(sum({{ value }}) over (
        partition by {{ partition_by }} order by {{ order_by }}
        range between unbounded preceding and current row exclude group
    ), 0)
{%- endmacro %}
