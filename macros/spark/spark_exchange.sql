{#-
    The Spark build's exchange with the Python ml steps, which read and write
    DuckDB (`make run ENGINE=spark`; orchestration/engine.py). Active on the
    spark target only when SOCIAL_ML_SPARK_EXCHANGE names a folder both sides
    can reach (local disk here; a shared filesystem or bucket on a cluster):

    - on-run-start, exchange_import_ml_tables: the ml schema's tables, which
      the orchestrator wrote to <folder>/ml/<table>.parquet from DuckDB, replace
      Spark's (the monitoring models read them);
    - on-run-end, exchange_export_results: every seed and model this
      invocation built is written to <folder>/built/<schema>.<name>/ as Parquet,
      which the orchestrator loads into the DuckDB the ml steps read.

    Anywhere else both render nothing, so a plain `dbt build` is unchanged.
-#}
{% macro spark_exchange_folder() -%}
    {{- return(env_var('SOCIAL_ML_SPARK_EXCHANGE', '') if target.type == 'spark' else '') -}}
{%- endmacro %}


{% macro exchange_import_ml_tables() -%}
    {%- set folder = spark_exchange_folder() -%}
    {%- if execute and folder -%}
        {%- for table in modules.re.findall(
            'create table if not exists ml\\.(\\w+)', create_ml_source_tables()
        ) -%}
            {%- do run_query(
                'insert overwrite table ml.' ~ table
                ~ ' select * from parquet.`' ~ folder ~ '/ml/' ~ table ~ '.parquet`'
            ) -%}
        {%- endfor -%}
    {%- endif -%}
{%- endmacro %}


{% macro exchange_export_results(results) -%}
    {%- set folder = spark_exchange_folder() -%}
    {%- if execute and folder -%}
        {%- for result in results
            if result.status == 'success' and result.node.resource_type in ('model', 'seed') -%}
            {%- set relation = result.node.schema ~ '.' ~ result.node.alias -%}
            {%- do run_query(
                "insert overwrite directory '" ~ folder ~ '/built/' ~ relation ~ "'"
                ~ ' using parquet select * from ' ~ relation
            ) -%}
        {%- endfor -%}
    {%- endif -%}
{%- endmacro %}
