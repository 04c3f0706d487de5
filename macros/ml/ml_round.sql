{#- round(expr, digits) for doubles that gives the same double on every engine:
    the value times 10^digits, rounded half away from zero, divided back, each
    step one IEEE operation. The engines' own round(x, digits) differ on ties:
    Spark rounds the double's exact binary value, DuckDB the product, so a value
    that is a decimal tie (-3.5195253125: an anchor's days over a half-life)
    went down on DuckDB and up on Spark, and ranked candidates differently. -#}
{% macro ml_round(expr, digits) -%}
    (round(({{ expr }}) * 1e{{ digits }}) / 1e{{ digits }})
{%- endmacro %}
