{#- ml_hash_mod(key_expr, modulus_expr): a deterministic pseudo-random integer
    in [0, modulus) from a text key, the negative sampler's draw
    (int_feature_requests). The same key and modulus give the same value on
    every run of the same engine version; engines hash differently, so the
    drawn rows differ between engines (each is seeded and reproducible). -#}
{% macro ml_hash_mod(key_expr, modulus_expr) -%}
    {{ return(adapter.dispatch('ml_hash_mod', 'social_ml')(key_expr, modulus_expr)) }}
{%- endmacro %}

{#- DuckDB: hash() is a 64-bit unsigned hash; the remainder is taken unsigned. -#}
{% macro duckdb__ml_hash_mod(key_expr, modulus_expr) -%}
    cast(hash({{ key_expr }}) % cast({{ modulus_expr }} as ubigint) as bigint)
{%- endmacro %}

{#- Spark (and engines with a signed 64-bit xxhash64): pmod keeps it >= 0. -#}
{% macro spark__ml_hash_mod(key_expr, modulus_expr) -%}
    pmod(xxhash64({{ key_expr }}), {{ modulus_expr }})
{%- endmacro %}

{% macro default__ml_hash_mod(key_expr, modulus_expr) -%}
    {{ spark__ml_hash_mod(key_expr, modulus_expr) }}
{%- endmacro %}
