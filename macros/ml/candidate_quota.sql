{#- How many candidates retrieval source `source` offers per user and scope
    (var candidate_sources). `| int`: under sqlfluff's jinja a var is a
    placeholder text, and the SQL still has to parse. -#}
{% macro candidate_quota(source) -%}
    {{ var('candidate_sources')[source] | int }}
{%- endmacro %}
