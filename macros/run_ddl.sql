{#-
    run_ddl(sql): an on-run-start hook's DDL, written once in DuckDB's dialect
    (create_ml_source_tables, create_stream_state_table), run on the target's
    engine. DuckDB takes the statements as one hook. Spark takes one statement
    per call, so spark__run_ddl runs them itself (the hook is then empty, which
    dbt skips) after mapping the few DuckDB-only words the DDL uses.
-#}
{% macro run_ddl(sql) -%}
    {{ return(adapter.dispatch('run_ddl', 'social_ml')(sql)) }}
{%- endmacro %}

{% macro default__run_ddl(sql) -%}
    {{ return(sql) }}
{%- endmacro %}

{#- varchar -> string (Spark's varchar needs a length), ubigint -> decimal(20, 0)
    (Spark has no unsigned types); tables are Parquet. Spark accepts NOT NULL there but
    does not keep it (SHOW CREATE TABLE lists none): the ml code writes no nulls there. -#}
{% macro spark__run_ddl(sql) -%}
    {%- for statement in sql.split(';') if statement.strip() -%}
        {%- set spark_statement = modules.re.sub(
            '\\bvarchar\\b', 'string', statement.strip(), flags=modules.re.I
        ) -%}
        {%- set spark_statement = modules.re.sub(
            '\\bubigint\\b', 'decimal(20, 0)', spark_statement, flags=modules.re.I
        ) -%}
        {%- if spark_statement.lower().startswith('create table') -%}
            {%- set spark_statement = spark_statement ~ ' using parquet' -%}
        {%- endif -%}
        {%- do run_query(spark_statement) -%}
    {%- endfor -%}
    {{ return('') }}
{%- endmacro %}
