{#- Fails with each combination of `combination_of_columns` that occurs more than once. -#}
{% test unique_combination_of_columns(model, combination_of_columns) %}
{%- set columns_csv = combination_of_columns | join(', ') -%}
with

grouped as (
    select
        {{ columns_csv }},
        count(*) as occurrences
    from {{ model }}
    group by {{ columns_csv }}
),

failures as (
    select *
    from grouped
    where occurrences > 1
)

select * from failures
{% endtest %}
