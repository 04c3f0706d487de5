{#-
    fail_when_raw_empty(table): a post-hook for a stg_social__<table>_validated
    model (set in dbt_project.yml for users, tweets and events, the tables
    nothing can be trained without). When the raw table has no rows at all (a
    header-only file, an empty export), stop the build with one message that
    names the file, says what needs it and what to do, instead of letting every
    row that refers to it be quarantined or a test on an empty model fail
    under its generated name. The validated model holds every raw row but
    duplicate deliveries, so it is empty exactly when the input is. Otherwise
    it renders no SQL.
-#}
{% macro fail_when_raw_empty(table) -%}
    {%- if not execute -%}{{ return('') }}{%- endif -%}
    {%- set counted = run_query('select count(*) from ' ~ this) -%}
    {%- if counted.columns[0].values()[0] | int > 0 -%}{{ return('') }}{%- endif -%}

    {%- set needed_by = {
        'users': 'Follows and events are checked against the users (one by an unknown user'
            ~ ' is quarantined), so with no users every one of them would be set aside.',
        'tweets': 'Events are checked against the tweets (an event on an unknown tweet is'
            ~ ' quarantined), so with no tweets every event would be set aside.',
        'events': 'Sessions, features, the training set and the model are all made from'
            ~ ' events.',
    } -%}
    {%- set raw_dir = (var('raw_data_dir', '') or '') | string | trim -%}
    {%- if raw_dir == '' -%}
        {%- set seed = source('raw', table) -%}
        {%- set input = 'the seed table ' ~ seed.schema ~ '.' ~ seed.identifier
            ~ ' (seeds/raw_' ~ table ~ '.csv)' -%}
        {%- set fix = 'regenerate the sample with `make seeds`, or set SOCIAL_ML_RAW_DIR to a'
            ~ ' directory of your own raw_*.csv or .parquet files (README, "Bring your own events").' -%}
    {%- else -%}
        {%- set input = 'file ' ~ _find_raw_file(raw_dir, 'raw_' ~ table).path -%}
        {%- set fix = 'put the ' ~ table ~ ' in that file (columns and formats:'
            ~ ' docs/raw_data_contract.md), or point SOCIAL_ML_RAW_DIR at the directory that'
            ~ ' holds the full export.' -%}
    {%- endif -%}

    {{- exceptions.raise_compiler_error(
        'raw_' ~ table ~ ' has no rows: ' ~ input ~ ' holds at most a header line. '
        ~ needed_by.get(table, '') ~ ' The build stops here.\nFix: ' ~ fix
    ) -}}
{%- endmacro %}
