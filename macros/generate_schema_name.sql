{#- Use the custom schema name as-is (raw, staging, marts, ...) instead of
    dbt's default "<target_schema>_<custom>", so the warehouse reads cleanly
    for people querying it by hand and for the ml code. -#}
{% macro generate_schema_name(custom_schema_name, node) -%}
    {%- if custom_schema_name is none -%}
        {{ target.schema }}
    {%- else -%}
        {{ custom_schema_name | trim }}
    {%- endif -%}
{%- endmacro %}
