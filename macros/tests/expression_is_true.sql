{#-
    Fails with every row for which `expression` is not true (false or null).
    Optional `where` limits the rows checked. On a column, `{column}` in the
    expression stands for the column's name.
-#}
{% test expression_is_true(model, expression, where=none, column_name=none) %}
{% set rendered = expression | replace('{column}', column_name or '') %}
{% set row_filter = where or 'true' %}
    with

    checked as (
        select *
        from {{ model }}
        where {{ row_filter }}
    ),

    failures as (
        select *
        from checked
        where not coalesce({{ rendered }}, false)
    )

    select * from failures
{% endtest %}
