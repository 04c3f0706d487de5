-- sqlfluff:exclude_rules:LT02
-- (These macros render no SQL of their own, only Jinja values; sqlfluff's rendering
-- of their branches reports indents of lines that produce no output.)
{#-
    Bring-your-own-data files on Spark. Spark has no table functions over files
    (read_csv, read_parquet), and a view cannot read a temporary one. So the
    user's file (or the landing zone's folder of batches) becomes an external
    table, raw_<table>__files, and the reader a SELECT over it with every
    column as text (and, for batches, the batch_id of each row's file, only
    the batches asked for). The seed and staging both (re)create it before
    reading, so `dbt run` alone reads the files as they are now. Dropping an
    external table leaves its files alone.

    CSV is read in the project's dialect (raw_csv.sql) with the header's
    columns, by position: each file's header is checked first.
-#}

{#- The view's SELECT over the user's files, after (re)creating the external table. -#}
{% macro spark__raw_input_select(input, relation) -%}
    {%- set files_table = api.Relation.create(
        database=relation.database, schema=relation.schema, identifier=relation.identifier ~ '__files'
    ) -%}
    {%- set is_batches = input is not mapping -%}
    {%- if is_batches and input | length == 0 -%}
        {{- return(default__raw_input_select(input, relation)) -}}
    {%- endif -%}
    {%- set format = input[0].format if is_batches else input.format -%}
    {%- set path = input[0].path.rsplit('/', 1)[0] if is_batches else input.path -%}
    {%- set options = {'path': path} -%}
    {%- if is_batches -%}{%- do options.update({'pathGlobFilter': '*.' ~ format}) -%}{%- endif -%}
    {%- if format == 'csv' -%}
        {%- set columns = raw_event_batches_csv_header(input) if is_batches else raw_csv_columns(path) -%}
        {%- do options.update(_spark_raw_csv_options()) -%}
        {%- set schema_sql = '(' ~ _spark_text_columns(columns) ~ ')' -%}
    {%- else -%}
        {%- do options.update({'mergeSchema': 'true'}) -%}
        {%- set schema_sql = '' -%}
    {%- endif -%}
    {#- `dbt run` without the seeds has not made the seeds' schema. -#}
    {%- do run_query('create schema if not exists ' ~ relation.schema) -%}
    {%- do run_query('drop table if exists ' ~ files_table) -%}
    {%- do run_query(
        'create table ' ~ files_table ~ ' ' ~ schema_sql ~ ' using ' ~ format
        ~ ' options (' ~ _spark_options_sql(options) ~ ')'
    ) -%}
    {%- set casts = raw_columns_as_text('select * from ' ~ files_table) -%}
    {%- if not is_batches -%}
        {{- return('(select ' ~ casts | join(', ') ~ ' from ' ~ files_table ~ ')') -}}
    {%- endif -%}
    {#- Only the listed batches: the folder may hold later ones (the file name is a
        column of Spark's file metadata, filtered like any other). -#}
    {%- set file_names = [] -%}
    {%- for batch in input -%}
        {%- do file_names.append(spark_text_literal(batch.path.split('/')[-1])) -%}
    {%- endfor -%}
    {{- return(
        '(select ' ~ casts | join(', ')
        ~ ", regexp_extract(_metadata.file_name, '^(.+)[.](csv|parquet)$', 1) as batch_id from "
        ~ files_table ~ ' where _metadata.file_name in (' ~ file_names | join(', ') ~ '))'
    ) -}}
{%- endmacro %}


{#- Stop, showing up to three records, when the CSV at `path` has a line whose
    fields do not match its header (Spark's reader gives no line numbers, and
    it accepts a quote inside an unquoted field, which DuckDB's strict mode
    rejects). -#}
{% macro spark__raw_csv_check(path, identifier) -%}
    {%- set columns = raw_csv_columns(path) -%}
    {%- set options = _spark_raw_csv_options() -%}
    {%- do options.update({'path': path, 'columnNameOfCorruptRecord': 'raw_csv_bad_record'}) -%}
    {%- do run_query(
        'create or replace temporary view raw_csv_checked_' ~ identifier ~ ' ('
        ~ _spark_text_columns(columns) ~ ', raw_csv_bad_record string) using csv options ('
        ~ _spark_options_sql(options) ~ ')'
    ) -%}
    {#- Spark refuses a query of the bad-record column alone: one data column comes along. -#}
    {%- set found = run_query(
        'select count(*) over (), left(raw_csv_bad_record, 200), ' ~ adapter.quote(columns[0])
        ~ ' from raw_csv_checked_' ~ identifier
        ~ ' where raw_csv_bad_record is not null limit 3'
    ) -%}
    {%- do run_query('drop view if exists raw_csv_checked_' ~ identifier) -%}
    {%- if found.rows | length == 0 -%}{{ return('') }}{%- endif -%}
    {%- set shown = [] -%}
    {%- for row in found.rows -%}{%- do shown.append(row[1] | tojson) -%}{%- endfor -%}
    {{- exceptions.raise_compiler_error(
        'Raw input ' ~ path ~ ' is not readable as the raw files\' CSV dialect: ' ~ found.rows[0][0]
        ~ ' record(s) whose fields do not match the header, such as ' ~ shown | join('; ')
        ~ '. The dialect is RFC 4180: comma-separated, a field holding a comma, quote or line'
        ~ ' break in double quotes, a quote inside it doubled (""), every line with the header\'s'
        ~ ' number of fields, UTF-8. Fix the file there, or give raw_<table>.parquet instead'
        ~ ' (docs/raw_data_contract.md, CSV dialect).'
    ) -}}
{%- endmacro %}


{#- Spark's CSV options for the raw files' dialect (raw_csv.sql). A quoted
    field may span lines, so each file is read whole by one task. -#}
{% macro _spark_raw_csv_options() -%}
    {{- return({
        'header': 'true', 'multiLine': 'true', 'quote': '"', 'escape': '"',
        'encoding': 'UTF-8', 'mode': 'PERMISSIVE',
    }) -}}
{%- endmacro %}


{#- A table schema of text columns: `name` string, ... -#}
{% macro _spark_text_columns(columns) -%}
    {%- set typed = [] -%}
    {%- for name in columns -%}{%- do typed.append(adapter.quote(name) ~ ' string') -%}{%- endfor -%}
    {{- return(typed | join(', ')) -}}
{%- endmacro %}


{% macro _spark_options_sql(options) -%}
    {%- set pairs = [] -%}
    {%- for key, value in options.items() -%}
        {%- do pairs.append(key ~ ' ' ~ spark_text_literal(value)) -%}
    {%- endfor -%}
    {{- return(pairs | join(', ')) -}}
{%- endmacro %}
