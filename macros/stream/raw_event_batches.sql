-- sqlfluff:exclude_rules:LT02
-- (These macros render no SQL of their own, only Jinja values; sqlfluff's rendering
-- of their branches reports indents of lines that produce no output.)
{#-
    Raw events as batches (docs/raw_data_contract.md, "Landing zone").

    A landing zone is a raw_data_dir whose events are a folder,
    <raw_data_dir>/raw_events/, of batch files <batch_id>.csv or
    <batch_id>.parquet, named so that they sort in ingestion order. A landed
    batch is immutable: the stream path processes each batch id once.
    Otherwise (the seeds, or one raw_events file) the events are one batch,
    batch_id 'raw_events', and every incremental model rebuilds in full on
    each run (stream_rebuild_unless_landing).
-#}

{#- The landing zone's event batches, a list of (batch_id, path, format) sorted by
    batch_id; none when the events are not a folder of batches. -#}
{% macro raw_event_batch_files() -%}
    {%- set raw_dir = (var('raw_data_dir', '') or '') | string | trim -%}
    {%- if raw_dir == '' or not execute -%}{{ return(none) }}{%- endif -%}
    {%- set folder = raw_dir.rstrip('/') ~ '/raw_events/' -%}
    {%- set listed = raw_list_files('raw_events/*') -%}
    {%- set batches = [] -%}
    {%- for path in listed -%}
        {%- set name = path.split('/')[-1] -%}
        {%- set found = modules.re.fullmatch('([A-Za-z0-9][A-Za-z0-9_.=-]*)[.](csv|parquet)', name) -%}
        {#- Names starting with '.' or '_' are a writer's temporary files: not landed yet. -#}
        {%- set is_temporary = name.startswith('.') or name.startswith('_') -%}
        {%- if not found and not is_temporary -%}
            {{- exceptions.raise_compiler_error(
                "Landing zone file " ~ path ~ " is not a batch: name batch files <batch_id>.csv or"
                ~ " <batch_id>.parquet (letters, digits, _ . = -), sorting in ingestion order"
                ~ " (docs/raw_data_contract.md, Landing zone)."
            ) -}}
        {%- endif -%}
        {%- if found -%}
            {%- do batches.append(dict(batch_id=found.group(1), path=path, format=found.group(2))) -%}
        {%- endif -%}
    {%- endfor -%}
    {%- set formats = batches | map(attribute='format') | unique | list -%}
    {%- if listed | length == 0 -%}{{ return(none) }}{%- endif -%}
    {%- if formats | length > 1 -%}
        {{- exceptions.raise_compiler_error(
            "Landing zone " ~ folder ~ " mixes .csv and .parquet batches: write every batch in one"
            ~ " format (docs/raw_data_contract.md, Landing zone)."
        ) -}}
    {%- endif -%}
    {{- return(batches | sort(attribute='batch_id')) -}}
{%- endmacro %}


{#- True when raw events come from a landing zone of batch files. -#}
{% macro raw_events_are_batches() -%}
    {{- return(raw_event_batch_files() is not none) -}}
{%- endmacro %}


{#- A table expression: the raw event columns as text plus batch_id, for the
    given batches (a list from raw_event_batch_files), each file's header checked. -#}
{% macro read_raw_event_batches(batches) -%}
    {%- if batches | length == 0 -%}
        {{- return('(select * from ' ~ source('raw', 'events') ~ ' where false)') -}}
    {%- endif -%}
    {{- return(adapter.dispatch('read_raw_event_batches', 'social_ml')(batches)) -}}
{%- endmacro %}

{% macro default__read_raw_event_batches(batches) -%}
    {%- do raw_event_batches_csv_header(batches) -%}
    {%- set paths = batches | map(attribute='path') | list -%}
    {%- if batches[0].format == 'csv' -%}
        {%- set reader = raw_csv_read(paths, ', filename = true') -%}
    {%- else -%}
        {%- set reader = _raw_file_as_text(paths, 'parquet', with_filename=true) -%}
    {%- endif -%}
    {{- return(
        "(select * exclude (filename), regexp_extract(filename, '([^/]+)[.](csv|parquet)$', 1)"
        ~ ' as batch_id from ' ~ reader ~ ')'
    ) -}}
{%- endmacro %}

{#- Spark reads batch files through an external table over their folder. -#}
{% macro spark__read_raw_event_batches(batches) -%}
    {{- return(raw_input_select(batches, source('raw', 'events'))) -}}
{%- endmacro %}


{#- The column names every CSV batch carries in its header (none for Parquet
    batches); stops, naming the file, when one batch's header differs. -#}
{% macro raw_event_batches_csv_header(batches) -%}
    {%- if batches | length == 0 or batches[0].format != 'csv' -%}{{ return(none) }}{%- endif -%}
    {%- set paths = batches | map(attribute='path') | list -%}
    {%- set columns = raw_csv_columns(paths[0]) -%}
    {%- for batch in batches[1:] -%}
        {%- set path = batch.path -%}
        {%- set header = raw_csv_columns(path) -%}
        {%- if header != columns -%}
            {{- exceptions.raise_compiler_error(
                "Landing zone batch " ~ path ~ " has the header " ~ header | join(',')
                ~ ", not " ~ columns | join(',') ~ " like " ~ paths[0]
                ~ ": every batch file carries the same columns in the same order."
            ) -}}
        {%- endif -%}
    {%- endfor -%}
    {{- return(columns) -}}
{%- endmacro %}


{#- The batches whose batch_id `relation` (a staged table with a batch_id
    column) does not hold yet; all of them when it does not exist. -#}
{% macro raw_event_batches_not_in(batches, relation) -%}
    {%- if relation is none or flags.FULL_REFRESH -%}{{ return(batches) }}{%- endif -%}
    {%- set staged = run_query('select distinct batch_id from ' ~ relation).columns[0].values() -%}
    {{- return(batches | rejectattr('batch_id', 'in', staged) | list) -}}
{%- endmacro %}


{#- The staged batches of the day var stream_restage_day names (a batch's day is
    that of its earliest ingested_at), to stage again: a backfill of that day. -#}
{% macro raw_event_batches_restaged(batches, relation) -%}
    {%- set day = var('stream_restage_day', none) -%}
    {%- if day is none or relation is none or flags.FULL_REFRESH -%}{{ return([]) }}{%- endif -%}
    {%- if not modules.re.fullmatch('[0-9]{4}-[0-9]{2}-[0-9]{2}', day | string) -%}
        {{- exceptions.raise_compiler_error(
            "stream_restage_day='" ~ day ~ "' is not a day: give it as YYYY-MM-DD."
        ) -}}
    {%- endif -%}
    {%- set days = run_query(
        'select batch_id from ' ~ relation ~ ' group by batch_id'
        ~ " having cast(min(ingested_at) as date) = cast('" ~ day ~ "' as date)"
    ).columns[0].values() -%}
    {{- return(batches | selectattr('batch_id', 'in', days) | list) -}}
{%- endmacro %}


{#- pre-hook of stg_social__events_validated: the rows of the batches staged
    again leave first (rows without an event id would otherwise stay twice),
    logged as changed: a corrected file may no longer hold them. -#}
{% macro raw_event_batches_delete_restaged() -%}
    {%- set batches = raw_event_batch_files() if execute and is_incremental() else none -%}
    {%- set restaged = raw_event_batches_restaged(batches, this) if batches is not none else [] -%}
    {%- if restaged -%}
        {%- set restaged_ids = restaged | map(attribute="batch_id") | join("', '") -%}
        {%- set in_restaged = "batch_id in ('" ~ restaged_ids ~ "')" -%}
        {%- set statements -%}
            {{ stream_log_event_rows_changed('(select * from ' ~ this ~ ' where ' ~ in_restaged ~ ')') }};
            {{ delete_rows(this, in_restaged) }}
        {%- endset -%}
        {{ run_statements(statements) }}
    {%- endif -%}
{%- endmacro %}


{#- The batches stg_social__events_validated has not staged yet. -#}
{% macro raw_event_batches_not_staged(batches) -%}
    {%- set validated = adapter.get_relation(
        database=target.database, schema='staging', identifier='stg_social__events_validated'
    ) -%}
    {{- return(raw_event_batches_not_in(batches, validated)) -}}
{%- endmacro %}


{% macro _fail_when_events_file_and_batches(raw_dir) -%}
    {%- if raw_list_files('raw_events.csv') or raw_list_files('raw_events.parquet') -%}
        {{- exceptions.raise_compiler_error(
            "raw_data_dir='" ~ raw_dir ~ "' holds both a raw_events file and a raw_events/ folder of"
            ~ " batches: keep one (docs/raw_data_contract.md, Landing zone)."
        ) -}}
    {%- endif -%}
{%- endmacro %}


{#- Outside a landing zone: the one raw events input, as the batch 'raw_events'. -#}
{% macro raw_events_as_one_batch() -%}
    {{- return("(select *, 'raw_events' as batch_id from " ~ read_raw('raw', 'events') ~ ')') -}}
{%- endmacro %}
