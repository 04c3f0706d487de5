{#-
    Fails with each `partition_by` group whose dates in `column_name` are not one
    row per day without gaps (a dense calendar): the group's row count must equal
    the days between its first and last date, inclusive, and no date may repeat.
    With `start_column` (a column constant within the group, e.g. a run's first
    day), the group's first date must also equal it, so losing a group's first
    row fails too.
-#}
{% test contiguous_dates(model, column_name, partition_by, start_column=none) %}
{%- set starts_late = (
    'min(' ~ column_name ~ ') <> min(' ~ start_column ~ ')' if start_column else 'false'
) %}
with

spans as (
    select
        {{ partition_by }},
        count(*) as row_count,
        count(distinct {{ column_name }}) as distinct_days,
        {{ ml_datediff('min(' ~ column_name ~ ')', 'max(' ~ column_name ~ ')', 'day') }} + 1 as expected_days,
        {{ starts_late }} as starts_late
    from {{ model }}
    group by {{ partition_by }}
),

failures as (
    select *
    from spans
    where row_count != expected_days or distinct_days != row_count or starts_late
)

select * from failures
{% endtest %}
