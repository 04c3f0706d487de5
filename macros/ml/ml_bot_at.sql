{#- ml_bot_at(at_expr, bot_since_expr): is the user a bot at time `at_expr`?
    True from their bot_since_at (int_users_bot_flagged) on, so an event or
    session before the first evidence stays human and no status uses the
    future. -#}
{% macro ml_bot_at(at_expr, bot_since_expr) -%}
    coalesce({{ at_expr }} >= {{ bot_since_expr }}, false)
{%- endmacro %}
