{#-
    sim_integer_divide(numerator, denominator): the integer quotient of two
    non-negative bigints, exact for any bigint. int_sim_tweet_pairs unpacks a
    pair key (left index * 2^31 + right index) with it; a quotient through a
    double would lose the low bits once the key passes 2^53. DuckDB's `/`
    returns a double, so DuckDB uses its integer division `//`; the default is
    the standard `floor(a / b)` of engines whose `/` on integers truncates.
-#}
{% macro sim_integer_divide(numerator, denominator) -%}
    {{ return(adapter.dispatch('sim_integer_divide', 'social_ml')(numerator, denominator)) }}
{%- endmacro %}

{% macro duckdb__sim_integer_divide(numerator, denominator) -%}
    ({{ numerator }} // {{ denominator }})
{%- endmacro %}

{% macro default__sim_integer_divide(numerator, denominator) -%}
    cast(floor({{ numerator }} / {{ denominator }}) as bigint)
{%- endmacro %}

{#- Spark's `/` returns a double; `div` is its exact integral division. -#}
{% macro spark__sim_integer_divide(numerator, denominator) -%}
    ({{ numerator }} div {{ denominator }})
{%- endmacro %}
