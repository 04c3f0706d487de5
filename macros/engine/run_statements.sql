{#-
    run_statements(sql): a hook's statements, written once in DuckDB's dialect
    (the on-run-start DDL, the stream models' bookkeeping), run on the target's
    engine. DuckDB takes the statements as one hook. Spark takes one statement
    per call, so spark__run_statements runs them itself, in order (the hook is
    then empty, which dbt skips), after mapping the few DuckDB-only words the
    DDL uses. Statements are split on ';': no literal in them may hold one.
-#}
{% macro run_statements(sql) -%}
    {{ return(adapter.dispatch('run_statements', 'social_ml')(sql)) }}
{%- endmacro %}

{% macro default__run_statements(sql) -%}
    {{ return(sql) }}
{%- endmacro %}

{#- varchar -> string (Spark's varchar needs a length), ubigint -> decimal(20, 0)
    (Spark has no unsigned types); tables created from a column list are Parquet.
    Spark accepts NOT NULL there but does not keep it (SHOW CREATE TABLE lists
    none): the ml code writes no nulls there. -#}
{% macro spark__run_statements(sql) -%}
    {%- for statement in sql.split(';') if statement.strip() -%}
        {%- set spark_statement = modules.re.sub(
            '\\bvarchar\\b', 'string', statement.strip(), flags=modules.re.I
        ) -%}
        {%- set spark_statement = modules.re.sub(
            '\\bubigint\\b', 'decimal(20, 0)', spark_statement, flags=modules.re.I
        ) -%}
        {%- set column_list = 'create\\s+table\\s+(if\\s+not\\s+exists\\s+)?[\\w.]+\\s*\\(' -%}
        {%- if modules.re.match(column_list, spark_statement, flags=modules.re.I) -%}
            {%- set spark_statement = spark_statement ~ ' using parquet' -%}
        {%- endif -%}
        {%- do run_query(spark_statement) -%}
    {%- endfor -%}
    {{ return('') }}
{%- endmacro %}
