{#- ml_hash_mod(key_expr, modulus_expr): a deterministic pseudo-random integer
    in [0, modulus) from a text key: the seeded draws (int_feature_requests'
    negative sampler, int_ml_scope_users' user cap). The same key and modulus
    give the same value on every engine, so both engines draw the same rows:
    the first 60 bits of the key's MD5, which DuckDB and Spark compute alike
    (their own hash functions differ). MD5 costs about 0.2 us more per key than
    DuckDB's hash() here, a few seconds over the tens of millions of draws of a
    10M-event build. -#}
{% macro ml_hash_mod(key_expr, modulus_expr) -%}
    {{ return(adapter.dispatch('ml_hash_mod', 'social_ml')(key_expr, modulus_expr)) }}
{%- endmacro %}

{% macro duckdb__ml_hash_mod(key_expr, modulus_expr) -%}
    (cast('0x' || left(md5({{ key_expr }}), 15) as bigint) % ({{ modulus_expr }}))
{%- endmacro %}

{% macro default__ml_hash_mod(key_expr, modulus_expr) -%}
    pmod(cast(conv(left(md5({{ key_expr }}), 15), 16, 10) as bigint), {{ modulus_expr }})
{%- endmacro %}
