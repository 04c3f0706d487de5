{#-
    delete_rows(relation, where, alias, using, using_alias): the statement(s)
    that delete the rows of `relation` (seen as `alias`) for which `where`
    holds, or, given `using` (SQL of a relation, seen as `using_alias`), for
    which some row of it makes `where` hold. No `where`: every row. Hooks send
    the result through run_statements.

    Spark's Parquet tables have no DELETE: spark__delete_rows writes the rows
    that stay to a scratch table and overwrites the relation with it (Spark
    refuses to overwrite a table a query of it still reads). EXCEPT ALL removes
    exactly the deleted rows: identical rows are deleted or kept together.
    Without transactions this is safe only with no other writer of the table
    meanwhile: the spark target runs one model at a time (profiles.yml).
-#}
{% macro delete_rows(relation, where=none, alias=none, using=none, using_alias=none) -%}
    {{ return(adapter.dispatch('delete_rows', 'social_ml')(relation, where, alias, using, using_alias)) }}
{%- endmacro %}

{% macro default__delete_rows(relation, where, alias, using, using_alias) -%}
    delete from {{ relation }}{{ ' as ' ~ alias if alias }}
    {%- if using %} using {{ using }} as {{ using_alias }}{% endif %}
    {%- if where %} where {{ where }}{% endif %}
{%- endmacro %}

{% macro spark__delete_rows(relation, where, alias, using, using_alias) -%}
    {%- if not where -%}
        truncate table {{ relation }}
    {%- else -%}
        {%- set name = alias or 'deleted' -%}
        {%- set kept = (relation | string) ~ '__dbt_kept' -%}
        {%- set deleted = 'select ' ~ name ~ '.* from ' ~ relation ~ ' as ' ~ name ~ (
            ' left semi join ' ~ using ~ ' as ' ~ using_alias ~ ' on ' ~ where if using
            else ' where ' ~ where
        ) -%}
        {{ spark_scratch_table(kept, 'select * from ' ~ relation ~ ' except all ' ~ deleted) }};
        insert overwrite table {{ relation }} select * from {{ kept }};
        drop table {{ kept }}
    {%- endif -%}
{%- endmacro %}


{#- Spark: the statements that (re)create the Parquet scratch table `name` from `select_sql`. -#}
{% macro spark_scratch_table(name, select_sql) -%}
    drop table if exists {{ name }};
    create table {{ name }} using parquet as {{ select_sql }}
{%- endmacro %}
