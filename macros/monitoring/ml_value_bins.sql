{#- Binning for the PSI report (rpt_feature_drift): a value's bin against fixed
    edges, and the count of rows per bin as one aggregate. Dispatched: DuckDB does
    each with one function call per column, which keeps the report's generated SQL
    (a hundred-odd columns) small, and Spark bins the same way; other engines spell
    each edge and bin out. -#}

{#- The bin of `value` against `edges`, an array of `n_edges` sorted edges: 0 for
    NULL, else 1 + the number of edges strictly below the value (NULL edges, from
    an all-NULL reference, are never below it). -#}
{% macro ml_value_bin(value, edges, n_edges) -%}
    {{ return(adapter.dispatch('ml_value_bin')(value, edges, n_edges)) }}
{%- endmacro %}

{% macro default__ml_value_bin(value, edges, n_edges) -%}
    {%- set below = [] -%}
    {%- for position in range(1, n_edges + 1) -%}
        {%- do below.append(
            'case when ' ~ value ~ ' > ' ~ ml_array_element(edges, position) ~ ' then 1 else 0 end'
        ) -%}
    {%- endfor -%}
    case when {{ value }} is null then 0 else 1 + {{ below | join(' + ') }} end
{%- endmacro %}

{% macro duckdb__ml_value_bin(value, edges, n_edges) -%}
    case
        when {{ value }} is null then 0
        else 1 + coalesce(len(list_filter({{ edges }}, lambda edge: {{ value }} > edge)), 0)
    end
{%- endmacro %}

{#- Spark: the edges below the value, counted by a higher-order filter (size() of a
    NULL array is -1 without ANSI mode: NULL edges are decided first). -#}
{% macro spark__ml_value_bin(value, edges, n_edges) -%}
    case
        when {{ value }} is null then 0
        when {{ edges }} is null then 1
        else 1 + size(filter({{ edges }}, edge -> {{ value }} > edge))
    end
{%- endmacro %}

{#- Aggregate: a map from bin (0 .. n_bins) to how many rows `bin` puts there; bins
    without rows may be absent or 0. -#}
{% macro ml_bin_counts(bin, n_bins) -%}
    {{ return(adapter.dispatch('ml_bin_counts')(bin, n_bins)) }}
{%- endmacro %}

{% macro default__ml_bin_counts(bin, n_bins) -%}
    {%- set entries = [] -%}
    {%- for b in range(n_bins + 1) -%}
        {%- do entries.append(b ~ ', sum(case when ' ~ bin ~ ' = ' ~ b ~ ' then 1 else 0 end)') -%}
    {%- endfor -%}
    map({{ entries | join(', ') }})
{%- endmacro %}

{% macro duckdb__ml_bin_counts(bin, n_bins) -%}
    histogram({{ bin }})
{%- endmacro %}

{#- The value of `key` in `map_expr`, NULL when absent. -#}
{% macro ml_map_value(map_expr, key) -%}
    {{ return(adapter.dispatch('ml_map_value')(map_expr, key)) }}
{%- endmacro %}

{% macro default__ml_map_value(map_expr, key) -%}
    element_at({{ map_expr }}, {{ key }})
{%- endmacro %}

{% macro duckdb__ml_map_value(map_expr, key) -%}
    map_extract_value({{ map_expr }}, {{ key }})
{%- endmacro %}
