{#-
    raw_list_files(relative_glob): the files under var raw_data_dir matching
    `relative_glob` ('raw_users.parquet', 'raw_events/*'), a sorted list of
    paths; empty when none match, or when a folder in the pattern is missing.
    Only the last part of the pattern may hold wildcards. Spark's listing
    leaves out names starting with '.' or '_' (a writer's temporary files),
    which DuckDB's glob() lists.
-#}
{% macro raw_list_files(relative_glob) -%}
    {%- set raw_dir = (var('raw_data_dir', '') or '') | string | trim -%}
    {{- return(adapter.dispatch('raw_list_files', 'social_ml')(raw_dir.rstrip('/'), relative_glob)) -}}
{%- endmacro %}

{% macro default__raw_list_files(raw_dir, relative_glob) -%}
    {%- set listed = run_query(
        'select file from glob(' ~ raw_path_literal(raw_dir ~ '/' ~ relative_glob) ~ ') order by file'
    ) -%}
    {{- return(listed.columns[0].values() | list) -}}
{%- endmacro %}

{#- Spark has no glob(): binaryFile lists a folder's files (their contents are
    never read when only `path` is selected). Listing a missing folder fails,
    so a pattern inside a sub-folder first looks for that folder in a recursive
    listing of raw_data_dir. -#}
{% macro spark__raw_list_files(raw_dir, relative_glob) -%}
    {%- set parts = relative_glob.rsplit('/', 1) -%}
    {%- set folder = raw_dir ~ ('/' ~ parts[0] if parts | length == 2 else '') -%}
    {%- if parts | length == 2 -%}
        {%- do run_query(
            'create or replace temporary view raw_listed_files using binaryFile options (path '
            ~ spark_text_literal(raw_dir) ~ ", recursiveFileLookup 'true')"
        ) -%}
        {%- set found = run_query(
            'select count(*) from raw_listed_files where path like '
            ~ spark_text_literal('%/' ~ parts[0] ~ '/%')
        ) -%}
        {%- if found.rows[0][0] == 0 -%}{{ return([]) }}{%- endif -%}
    {%- endif -%}
    {%- do run_query(
        'create or replace temporary view raw_listed_files using binaryFile options (path '
        ~ spark_text_literal(folder) ~ ', pathGlobFilter ' ~ spark_text_literal(parts[-1]) ~ ')'
    ) -%}
    {%- set listed = run_query('select path from raw_listed_files order by path') -%}
    {{- return(listed.columns[0].values() | list) -}}
{%- endmacro %}
