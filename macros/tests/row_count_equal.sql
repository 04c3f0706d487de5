{#-
    Fails (one row with both counts) unless `model` and `compare_model` have the
    same number of rows, each optionally filtered (`where`, `compare_where`).
    Used where a model must keep its input's grain, e.g. one fact row per clean event.
-#}
{% test row_count_equal(model, compare_model, where=none, compare_where=none) %}
{% set model_filter = where or 'true' %}
{% set compare_filter = compare_where or 'true' %}
    with

    model_rows as (
        select count(*) as row_count
        from {{ model }}
        where {{ model_filter }}
    ),

    compare_rows as (
        select count(*) as row_count
        from {{ compare_model }}
        where {{ compare_filter }}
    ),

    failures as (
        select
            model_rows.row_count as model_row_count,
            compare_rows.row_count as compare_row_count
        from model_rows
        cross join compare_rows
        where model_rows.row_count != compare_rows.row_count
    )

    select * from failures
{% endtest %}
