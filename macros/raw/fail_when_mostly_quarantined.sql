{#-
    fail_when_mostly_quarantined(table): a post-hook for a stg_social__<table>_validated
    model. When more than var max_quarantine_share of the raw rows were
    quarantined, the input is in the wrong shape (another timestamp encoding,
    another id scheme, shifted columns), not dirty: stop the build with one
    message that names the table, the share, the top reasons with an example
    row each, the timestamp encodings read, and what to do. Otherwise it
    renders no SQL.
-#}
{% macro fail_when_mostly_quarantined(table) -%}
    {%- if not execute -%}{{ return('') }}{%- endif -%}
    {%- set threshold = var('max_quarantine_share', 0.5) | float -%}
    {%- set totals = run_query(
        'select count(*), count(quarantine_reason) from ' ~ this
    ) -%}
    {%- set total = totals.columns[0].values()[0] | int -%}
    {%- set quarantined = totals.columns[1].values()[0] | int -%}
    {%- if total == 0 or quarantined <= threshold * total -%}{{ return('') }}{%- endif -%}

    {%- set raw_columns = [] -%}
    {%- for column in adapter.get_columns_in_relation(this) if column.name.startswith('raw_') -%}
        {%- do raw_columns.append((column.name[4:], column.name)) -%}
    {%- endfor -%}
    {%- set reasons = run_query(
        'select quarantine_reason, count(*), min(' ~ example_row(raw_columns) ~ ')'
        ~ ' from ' ~ this ~ ' where quarantine_reason is not null'
        ~ ' group by quarantine_reason order by count(*) desc, quarantine_reason limit 3'
    ) -%}
    {%- set lines = [] -%}
    {%- for row in reasons.rows -%}
        {%- do lines.append('  ' ~ row[0] ~ ': ' ~ row[1] ~ ' rows, e.g. ' ~ row[2][:300]) -%}
    {%- endfor -%}

    {%- set encodings = [] -%}
    {%- for source_table, column in raw_timestamp_columns() if source_table == table -%}
        {%- do encodings.append(column ~ '=' ~ raw_timestamp_format(source_table, column)) -%}
    {%- endfor -%}
    {%- set encoding_note = (
        '\nTimestamp encodings read: ' ~ encodings | join(', ')
        ~ ' (staging.stg_social__timestamp_formats shows what each column holds; declare one with'
        ~ " --vars '{raw_timestamp_formats: {" ~ table ~ ".<column>: iso8601}}')."
    ) if encodings else '' -%}

    {{- exceptions.raise_compiler_error(
        'raw_' ~ table ~ ': ' ~ quarantined ~ ' of ' ~ total ~ ' rows ('
        ~ (100.0 * quarantined / total) | round(1) ~ '%) were quarantined, more than the allowed '
        ~ (100 * threshold) | round(1) ~ '% (var max_quarantine_share). Top reasons:\n'
        ~ lines | join('\n') ~ encoding_note
        ~ '\nFix: make the file follow docs/raw_data_contract.md, or raise max_quarantine_share'
        ~ ' if this much dirt is expected.'
    ) -}}
{%- endmacro %}
