{#- round(expr, digits) for doubles that gives the same double on every engine:
    the value times 10^digits, rounded half away from zero, divided back, each
    step one IEEE operation. The engines' own round(x, digits) differ on ties:
    Spark rounds the double's shortest decimal form, DuckDB the product, so a
    value that is a decimal tie (-3.5195253125: an anchor's days over a
    half-life; 87/480 = 0.18125, a bot-evidence share) went one way on DuckDB
    and the other on Spark, and ranked candidates differently. Every model
    rounds doubles with it. -#}
{% macro ml_round(expr, digits) -%}
    (round(({{ expr }}) * 1e{{ digits }}) / 1e{{ digits }})
{%- endmacro %}
