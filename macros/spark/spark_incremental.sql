{#-
    delete+insert on Spark. stg_social__events_validated and int_ml_time_windows
    replace their rows by key (unique_key) on both engines; dbt-spark offers
    append, insert_overwrite, microbatch, and merge only on Delta, Iceberg or
    Hudi. These two overrides of dbt-spark's own macros (the root project's
    macro of the same name wins) accept 'delete+insert' and hand every other
    strategy to dbt-spark unchanged.

    The new rows are first written to a scratch table: the model's SQL may read
    the model itself (the events re-judge earlier deliveries), so its rows must
    be fixed before any are deleted. Then the keys' old rows go (delete_rows)
    and the new ones are appended; the materialization's main statement drops
    the scratch table.
-#}
{% macro dbt_spark_validate_get_incremental_strategy(raw_strategy, file_format) -%}
    {%- if raw_strategy == 'delete+insert' -%}
        {{- return(raw_strategy) -}}
    {%- endif -%}
    {{- return(dbt.dbt_spark_validate_get_incremental_strategy(raw_strategy, file_format)) -}}
{%- endmacro %}


{% macro dbt_spark_get_incremental_sql(
    strategy, source, target, existing, unique_key, incremental_predicates
) -%}
    {%- if strategy != 'delete+insert' -%}
        {{- return(dbt.dbt_spark_get_incremental_sql(
            strategy, source, target, existing, unique_key, incremental_predicates
        )) -}}
    {%- endif -%}
    {%- if not unique_key or unique_key is not string -%}
        {%- do exceptions.raise_compiler_error(
            'delete+insert on Spark needs unique_key, one column name (model ' ~ this ~ ')'
        ) -%}
    {%- endif -%}
    {%- set batch = (target | string) ~ '__dbt_batch' -%}
    {%- set columns = adapter.get_columns_in_relation(target) | map(attribute='quoted') | join(', ') -%}
    {%- set statements -%}
        {{ spark_scratch_table(batch, 'select * from ' ~ source) }};
        {{ delete_rows(target, unique_key ~ ' in (select ' ~ unique_key ~ ' from ' ~ batch ~ ')') }};
        insert into {{ target }} ({{ columns }}) select {{ columns }} from {{ batch }}
    {%- endset -%}
    {%- do run_statements(statements) -%}
    {{- return('drop table ' ~ batch) -}}
{%- endmacro %}
