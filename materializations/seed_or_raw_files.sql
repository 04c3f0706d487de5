{#-
    The seed materialization, with bring-your-own-data in mind: when the var
    raw_data_dir names a directory, a raw_<table> seed does not load the sample
    CSV from seeds/ but becomes a view over the user's raw_<table>.parquet or
    .csv, every column as text. So schema `raw`, every count of it (the run
    summary's included) and everything downstream are the user's data, and
    lineage stays seed -> staging. Without raw_data_dir it is dbt's own seed.
    The same on DuckDB and on Spark, where raw_input_select's view reads an
    external table over the files (macros/spark/spark_raw_files.sql).
-#}
{% materialization seed, adapter='duckdb' %}
    {{- return(seed_or_raw_files()) -}}
{% endmaterialization %}

{% materialization seed, adapter='spark' %}
    {{- return(seed_or_raw_files()) -}}
{% endmaterialization %}


{% macro seed_or_raw_files() %}
    {%- set raw_dir = (var('raw_data_dir', '') or '') | string | trim -%}
    {%- set existing = adapter.get_relation(database=database, schema=schema, identifier=model['alias']) -%}
    {%- if raw_dir == '' -%}
        {#- dbt's seed refuses to load over a view left by an earlier own-data run. -#}
        {%- if existing is not none and existing.is_view -%}
            {%- do adapter.drop_relation(existing) -%}
        {%- endif -%}
        {{- return(dbt.materialization_seed_default()) -}}
    {%- endif -%}

    {%- set batches = raw_event_batch_files() if model['alias'] == 'raw_events' else none -%}
    {%- if batches is none -%}
        {%- set file_info = _find_raw_file(raw_dir, model['alias']) -%}
        {#- A CSV that breaks the dialect stops here, naming its line, not in staging. -#}
        {%- if file_info.format == 'csv' -%}
            {%- do raw_csv_check(file_info.path, model['alias']) -%}
        {%- endif -%}
        {%- set input = file_info -%}
    {%- else -%}
        {#- A landing zone: the view spans every batch; batches not yet staged are checked. -#}
        {%- do _fail_when_events_file_and_batches(raw_dir) -%}
        {%- for batch in raw_event_batches_not_staged(batches) if batch.format == 'csv' -%}
            {%- do raw_csv_check(batch.path, model['alias']) -%}
        {%- endfor -%}
        {%- set input = batches -%}
    {%- endif -%}
    {%- set target_relation = this.incorporate(type='view') -%}
    {%- set view_sql = raw_input_select(input, target_relation) -%}
    {{ run_hooks(pre_hooks) }}
    {%- if existing is not none and not existing.is_view -%}
        {%- do adapter.drop_relation(existing) -%}
    {%- endif -%}
    {% call statement('main') -%}
        create or replace view {{ target_relation }} as
        select * from {{ view_sql }}
    {%- endcall %}
    {#- dbt's seed task reads the loaded rows back from this result; the view has them. -#}
    {%- do store_result('agate_table', response='OK', agate_table=run_query(
        'select * from ' ~ target_relation ~ ' limit 0'
    )) -%}
    {{ run_hooks(post_hooks) }}
    {{ adapter.commit() }}
    {{ return({'relations': [target_relation]}) }}
{% endmacro %}
