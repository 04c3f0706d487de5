{#-
    read_raw(source_name, table_name): what a staging model selects from for one
    raw table, called like source() (and it calls source(), so lineage holds).

    Default (var raw_data_dir empty): the source itself, i.e. the seed loaded
    into schema `raw`. The seed is also ref()'d so the DAG orders seed ->
    staging (the seeds therefore stay part of the project in both modes).
    With raw_data_dir set: the user's own file
    <raw_data_dir>/raw_<table>.parquet (preferred) or .csv, read with every
    column as text exactly like the seeds, so staging types them the same way.
    The model still calls source(), so lineage and docs are unchanged.

    Either way the input must carry every column declared for that table in
    models/staging/__sources.yml; otherwise the run stops with an error naming
    the file and the missing column(s) instead of failing later on a confusing
    binder error (or, worse, reading nulls).
-#}
{% macro read_raw(source_name, table_name) -%}
    {%- set source_relation = source(source_name, table_name) -%}
    {%- set in_unit_test = model is defined and model.resource_type == 'unit_test' -%}
    {#- The source points at the seed raw_<table>, which dbt cannot know:
        ref() it so `dbt build` loads the seeds before staging reads them.
        (A unit test replaces the source with its given rows: no seed needed.) -#}
    {%- if not in_unit_test -%}
        {%- do ref('raw_' ~ table_name) -%}
    {%- endif -%}
    {#- Parsing and unit tests read the source as is. -#}
    {%- if not execute or in_unit_test -%}
        {{- return(source_relation) -}}
    {%- endif -%}
    {%- set raw_dir = (var('raw_data_dir', '') or '') | string | trim -%}
    {%- if raw_dir == '' -%}
        {%- set relation_sql = source_relation | string -%}
        {%- set input_label = 'source table ' ~ source_relation -%}
    {%- elif table_name == 'events' and raw_events_are_batches() -%}
        {%- set relation_sql = read_raw_event_batches(raw_event_batch_files()) -%}
        {%- set input_label = 'landing zone ' ~ raw_dir.rstrip('/') ~ '/raw_events/' -%}
    {%- else -%}
        {%- set file_info = _find_raw_file(raw_dir, 'raw_' ~ table_name) -%}
        {%- set relation_sql = raw_input_select(file_info, source_relation) -%}
        {%- set input_label = 'file ' ~ file_info.path -%}
    {%- endif -%}
    {%- do _check_raw_columns(relation_sql, source_name, table_name, input_label) -%}
    {{- return(relation_sql) -}}
{%- endmacro %}


{#- The path and format of <dir>/<identifier>.parquet or .csv; a clear error if neither exists. -#}
{% macro _find_raw_file(raw_dir, identifier) -%}
    {%- set base = raw_dir.rstrip('/') ~ '/' ~ identifier -%}
    {%- for format in ['parquet', 'csv'] -%}
        {%- set found = raw_list_files(identifier ~ '.' ~ format) -%}
        {%- if found -%}
            {{- return({'path': found[0], 'format': format}) -}}
        {%- endif -%}
    {%- endfor -%}
    {{- exceptions.raise_compiler_error(
        "Raw input missing: raw_data_dir='" ~ raw_dir ~ "' has neither " ~ base ~ ".parquet nor "
        ~ base ~ ".csv (see docs/raw_data_contract.md)."
    ) -}}
{%- endmacro %}


{#- A table expression over the user's own data, every column as text: `input`
    is the file (a _find_raw_file result) or the landing zone's batches, which
    `relation`, the seed raw_<table>, stands for. The seed of an own-data run
    is a view of it, and staging reads it. -#}
{% macro raw_input_select(input, relation) -%}
    {{- return(adapter.dispatch('raw_input_select', 'social_ml')(input, relation)) -}}
{%- endmacro %}

{% macro default__raw_input_select(input, relation) -%}
    {%- if input is mapping -%}
        {{- return(_raw_file_as_text(input.path, input.format)) -}}
    {%- endif -%}
    {{- return(read_raw_event_batches(input)) -}}
{%- endmacro %}


{#- A table expression reading `path` (or a list of paths) with every column
    as text, plus the column filename when with_filename. -#}
{% macro _raw_file_as_text(path, format, with_filename=false) -%}
    {%- set quoted_path = raw_path_literal(path) -%}
    {%- if format == 'csv' -%}
        {{- return(raw_csv_read(path, ', filename = true' if with_filename else '')) -}}
    {%- endif -%}
    {%- set casts = raw_columns_as_text(
        'select * from read_parquet(' ~ quoted_path ~ ', union_by_name = true)'
    ) -%}
    {%- if with_filename -%}{%- do casts.append('filename') -%}{%- endif -%}
    {{- return(
        '(select ' ~ casts | join(', ') ~ ' from read_parquet(' ~ quoted_path
        ~ ', union_by_name = true' ~ (', filename = true' if with_filename else '') ~ '))'
    ) -}}
{%- endmacro %}


{#- The select list that casts every column of `query` to text, timestamps in the
    contract's format (`YYYY-MM-DD HH:MM:SS.fff`): Parquet keeps its own types. -#}
{% macro raw_columns_as_text(query) -%}
    {%- set casts = [] -%}
    {%- for row in run_query('describe ' ~ query).rows -%}
        {%- set name = adapter.quote(row[0]) -%}
        {%- if 'TIMESTAMP' in row[1] | string | upper -%}
            {%- do casts.append(
                adapter.dispatch('raw_timestamp_as_text', 'social_ml')(name) ~ ' as ' ~ name
            ) -%}
        {%- else -%}
            {%- do casts.append('cast(' ~ name ~ ' as string) as ' ~ name) -%}
        {%- endif -%}
    {%- endfor -%}
    {{- return(casts) -}}
{%- endmacro %}

{% macro default__raw_timestamp_as_text(column) -%}
    {{- return("strftime(" ~ column ~ ", '%Y-%m-%d %H:%M:%S.%g')") -}}
{%- endmacro %}

{% macro spark__raw_timestamp_as_text(column) -%}
    {{- return("date_format(" ~ column ~ ", 'yyyy-MM-dd HH:mm:ss.SSS')") -}}
{%- endmacro %}


{#- Raise, naming the input and the missing column(s), unless every declared column is present. -#}
{% macro _check_raw_columns(relation_sql, source_name, table_name, input_label) -%}
    {%- set required = [] -%}
    {%- for node in graph.sources.values() -%}
        {%- if node.source_name == source_name and node.name == table_name -%}
            {%- do required.extend(node.columns.keys() | map('lower')) -%}
        {%- endif -%}
    {%- endfor -%}
    {%- set described = run_query('describe select * from ' ~ relation_sql) -%}
    {%- set present = described.columns[0].values() | map('lower') | list -%}
    {%- set missing = [] -%}
    {%- for column in required if column not in present -%}
        {%- do missing.append(column) -%}
    {%- endfor -%}
    {%- if missing -%}
        {{- exceptions.raise_compiler_error(
            "Raw input " ~ input_label ~ " is missing required column(s): " ~ missing | join(', ')
            ~ ". Expected columns: " ~ required | join(', ') ~ " (docs/raw_data_contract.md)."
        ) -}}
    {%- endif -%}
{%- endmacro %}


{#- A file path as an SQL string literal (its quotes doubled); a list of paths as a list literal. -#}
{% macro raw_path_literal(path) -%}
    {%- if path is not string -%}
        {%- set quoted = [] -%}
        {%- for one in path -%}{%- do quoted.append(raw_path_literal(one)) -%}{%- endfor -%}
        {{- return('[' ~ quoted | join(', ') ~ ']') -}}
    {%- endif -%}
    {{- return("'" ~ path | replace("'", "''") ~ "'") -}}
{%- endmacro %}
