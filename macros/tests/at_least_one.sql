{#-
    Fails when `column_name` has no non-null value (optionally among rows matching
    `where`): catches a model or a category that silently came out empty.
-#}
{% test at_least_one(model, column_name, where=none) %}
{% set row_filter = where or 'true' %}
    with

    counted as (
        select count({{ column_name }}) as non_null_count
        from {{ model }}
        where {{ row_filter }}
    ),

    failures as (
        select *
        from counted
        where non_null_count = 0
    )

    select * from failures
{% endtest %}
