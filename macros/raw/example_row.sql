{#- example_row(pairs): one text expression showing a raw row as
    `label='value', ...` (an empty value as <empty>), for messages and reports
    that cite an example of a quarantined row. `pairs` is a list of
    (label, column expression). -#}
{% macro example_row(pairs) -%}
    {%- set parts = [] -%}
    {%- for label, column in pairs -%}
        {%- do parts.append(
            "'" ~ label ~ "=' || coalesce('''' || " ~ column ~ " || '''', '<empty>')"
        ) -%}
    {%- endfor -%}
    {{- parts | join(" || ', ' || ") -}}
{%- endmacro %}
