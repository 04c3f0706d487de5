{#- ml_hash_mod(key_expr, modulus_expr): a deterministic pseudo-random integer
    in [0, modulus) from a text key: the seeded draws (int_feature_requests'
    negative sampler, int_ml_scope_users' user cap). The same key and modulus
    give the same value on every engine, so both engines draw the same rows
    (md5_bigint). -#}
{% macro ml_hash_mod(key_expr, modulus_expr) -%}
    ({{ md5_bigint(key_expr) }} % ({{ modulus_expr }}))
{%- endmacro %}
