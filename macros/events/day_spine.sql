{#-
    day_spine(start_date, end_date): a table expression with one row per day
    (`day`, a date) from start_date to end_date inclusive; both arguments are
    SQL expressions (scalar subqueries are fine). Engine-specific, so dispatched.
-#}
{% macro day_spine(start_date, end_date) -%}
    {{ return(adapter.dispatch('day_spine', 'social_ml')(start_date, end_date)) }}
{%- endmacro %}

{% macro duckdb__day_spine(start_date, end_date) -%}
    (
        select cast(spine.day as date) as day
        from generate_series(
            cast({{ start_date }} as timestamp),
            cast({{ end_date }} as timestamp),
            interval 1 day
        ) as spine (day)
    )
{%- endmacro %}

{#- Spark's sequence() raises when start is after end: no rows instead, as DuckDB. -#}
{% macro spark__day_spine(start_date, end_date) -%}
    (
        select spine.day
        from (
            select explode(
                case
                    when cast({{ start_date }} as date) <= cast({{ end_date }} as date)
                        then sequence(cast({{ start_date }} as date), cast({{ end_date }} as date), interval 1 day)
                end
            ) as day
        ) as spine
    )
{%- endmacro %}
