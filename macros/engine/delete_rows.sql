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
        drop table if exists {{ kept }};
        create table {{ kept }} using parquet as
        select * from {{ relation }}
        except all
        select {{ name }}.* from {{ relation }} as {{ name }}
        {%- if using %}
        left semi join {{ using }} as {{ using_alias }} on {{ where }}
        {%- else %}
        where {{ where }}
        {%- endif %};
        insert overwrite table {{ relation }} select * from {{ kept }};
        drop table {{ kept }}
    {%- endif -%}
{%- endmacro %}
