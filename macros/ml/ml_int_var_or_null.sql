{#- ml_int_var_or_null(name): the integer var `name` as an SQL literal, or a
    typed null when it is null or 'auto' (the model then derives the value
    from the data). -#}
{% macro ml_int_var_or_null(name) -%}
    {%- set value = var(name, none) -%}
    {{- 'cast(null as integer)' if value in [none, 'auto'] else 'cast(' ~ (value | int) ~ ' as integer)' -}}
{%- endmacro %}
