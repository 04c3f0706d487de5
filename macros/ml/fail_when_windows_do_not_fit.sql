{#-
    fail_when_windows_do_not_fit(): a post-hook for int_ml_time_windows. Training
    needs, in time order: some train data, a validation and a test window of
    whole units (days, or hours on a log of a day or two), then the label
    horizon to label them. A history too short for even hour windows, or
    window lengths set longer than the data, would otherwise fail the windows'
    range test under an unreadable name; stop here instead, saying what the
    data spans, what was derived or set and what to do. Renders no SQL when the
    windows fit.
-#}
{% macro fail_when_windows_do_not_fit() -%}
    {%- if not execute -%}{{ return('') }}{%- endif -%}
    {%- set result = run_query(
        'select data_start_at, data_end_at, label_cutoff_at, validation_start_at, test_start_at,'
        ~ ' data_start_at < validation_start_at and validation_start_at < test_start_at'
        ~ ' and test_start_at <= label_cutoff_at and label_cutoff_at < data_end_at as fits,'
        ~ ' window_unit, label_horizon_hours, label_horizon_rule, validation_units,'
        ~ ' validation_window_rule, test_units, test_window_rule from ' ~ this
    ) -%}
    {%- if result.rows | length == 0 or result.rows[0][0] is none -%}
        {{- exceptions.raise_compiler_error(
            'No clean events to train on: every raw event was quarantined or the events file is'
            ~ ' empty. staging.stg_social__events_quarantine and marts.rpt_data_quality say why.'
        ) -}}
    {%- endif -%}
    {%- set row = result.rows[0] -%}
    {%- if row[5] -%}{{ return('') }}{%- endif -%}
    {%- set unit = row[6] -%}
    {%- set set_vars = [] -%}
    {%- if row[10] == 'set' -%}{%- do set_vars.append('validation_days') -%}{%- endif -%}
    {%- if row[12] == 'set' -%}{%- do set_vars.append('test_days') -%}{%- endif -%}
    {%- if row[8] == 'set' -%}{%- do set_vars.append('label_horizon_hours') -%}{%- endif -%}
    {%- if set_vars -%}
        {%- set named = (set_vars[:-1] | join(', ') ~ ' and ' ~ set_vars[-1])
            if set_vars | length > 1 else set_vars[0] -%}
        {%- set fix = 'leave ' ~ named ~ ' unset (null: drop them from VARS)'
            ~ ' so they follow the data, or set them shorter than the span; or give events'
            ~ ' over more time.' -%}
    {%- else -%}
        {%- set fix = 'give events over more hours (windows are whole hours when the events fall'
            ~ ' on one or two days, whole days from three), or set a shorter label horizon, e.g.'
            ~ " make run VARS='{label_horizon_hours: 1}'." -%}
    {%- endif -%}
    {{- exceptions.raise_compiler_error(
        'The clean events span ' ~ row[0] ~ ' to ' ~ row[1] ~ ', too short to split for training:'
        ~ ' it needs train data, then a validation and a test window of at least one whole '
        ~ unit ~ ', then the label horizon to label them. Here: validation ' ~ row[9] ~ ' '
        ~ unit ~ '(s) (' ~ row[10] ~ '), test ' ~ row[11] ~ ' ' ~ unit ~ '(s) (' ~ row[12]
        ~ '), label horizon ' ~ row[7] ~ ' h (' ~ row[8] ~ '), so the labels would end at '
        ~ row[2] ~ ', validation start at ' ~ row[3] ~ ' and test at ' ~ row[4] ~ '. Staging'
        ~ ' and the marts before this are built; nothing can be trained on this span yet.'
        ~ ' (Derived windows hold about a quarter of the labelled events each; set ones come'
        ~ ' from the vars validation_days and test_days.)\nFix: ' ~ fix
    ) -}}
{%- endmacro %}
