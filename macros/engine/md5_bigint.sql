{#- md5_bigint(text_expr): the first 60 bits of the text's MD5 as a
    non-negative bigint, the same number on every engine (DuckDB's hash() and
    Spark's xxhash64() differ): text-id surrogates (raw_text_id_hash) and
    seeded draws (ml_hash_mod). MD5 costs about 0.2 us more per key than
    DuckDB's hash() here. -#}
{% macro md5_bigint(text_expr) -%}
    {{ return(adapter.dispatch('md5_bigint', 'social_ml')(text_expr)) }}
{%- endmacro %}

{% macro duckdb__md5_bigint(text_expr) -%}
    cast('0x' || left(md5({{ text_expr }}), 15) as bigint)
{%- endmacro %}

{% macro default__md5_bigint(text_expr) -%}
    cast(conv(left(md5({{ text_expr }}), 15), 16, 10) as bigint)
{%- endmacro %}
