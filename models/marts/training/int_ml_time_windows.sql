{{ config(
    schema='intermediate',
    materialized='incremental',
    incremental_strategy='delete+insert',
    unique_key='window_key',
    on_schema_change='sync_all_columns',
    post_hook=[
        "{{ run_statements(delete_rows(this, \"window_key is distinct from 'current'\")) }}",
        "{{ fail_when_windows_do_not_fit() }}",
    ],
) }}

{#- The split, recorded: the first build takes the windows derived from the
    data (int_ml_windows_derived) and records them; later builds keep the
    recorded label horizon, window unit and lengths, validation_start_at and
    test_start_at while they still fit the data and the settings that shaped
    them are unchanged, so events appended later (a new day, a late batch)
    never move an existing training row to another split or relabel it. The
    end of the data, the label cutoff and the serving as-of time follow the
    data present. A full refresh (`dbt build --full-refresh -s
    int_ml_time_windows`), a change of those settings or data the record no
    longer fits derives the split anew. Delete+insert on a constant key: the
    table always holds one row. -#}
{%- set settings = ml_split_settings() -%}
{#- A table left by an older version (no record columns) records nothing yet;
    its row, keyless, is deleted by the first post-hook. -#}
{%- set no_record = (
    '(select cast(null as integer) as label_horizon_hours, cast(null as string) as label_horizon_rule,'
    ~ ' cast(null as timestamp) as validation_start_at, cast(null as timestamp) as test_start_at,'
    ~ ' cast(null as string) as window_unit, cast(null as integer) as test_units,'
    ~ ' cast(null as integer) as validation_units, cast(null as string) as test_window_rule,'
    ~ ' cast(null as string) as validation_window_rule, cast(null as timestamp) as recorded_at,'
    ~ ' cast(null as string) as split_settings where false)'
) -%}
{%- set has_record = false -%}
{%- if is_incremental() and this is string -%}
    {#- A unit test's `this` is its given rows (a text), which carry the record. -#}
    {%- set has_record = true -%}
{%- elif is_incremental() -%}
    {%- set has_record = 'split_settings' in (
        adapter.get_columns_in_relation(this) | map(attribute='name') | map('lower') | list
    ) -%}
{%- endif -%}

with

derived as (
    select * from {{ ref('int_ml_windows_derived') }}
),

-- The recorded split, when it still applies: same settings, and it fits the
-- data present (train before validation before test, test labelled). Empty
-- on a first build.
recorded as (
    select
        this_split.label_horizon_hours,
        this_split.label_horizon_rule,
        this_split.validation_start_at,
        this_split.test_start_at,
        this_split.window_unit,
        this_split.test_units,
        this_split.validation_units,
        this_split.test_window_rule,
        this_split.validation_window_rule,
        this_split.recorded_at
    from {{ this if has_record else no_record }} as this_split
    cross join derived
    where
        this_split.split_settings = '{{ settings }}'
        and derived.data_start_at < this_split.validation_start_at
        and this_split.test_start_at
        <= {{ ml_dateadd('hour', '-this_split.label_horizon_hours', 'derived.data_end_at') }}
),

chosen as (
    select
        derived.data_start_at,
        derived.data_end_at,
        derived.serving_as_of_at,
        recorded.recorded_at is not null as is_kept,
        coalesce(recorded.label_horizon_hours, derived.label_horizon_hours) as label_horizon_hours,
        coalesce(recorded.label_horizon_rule, derived.label_horizon_rule) as label_horizon_rule,
        coalesce(recorded.validation_start_at, derived.validation_start_at) as validation_start_at,
        coalesce(recorded.test_start_at, derived.test_start_at) as test_start_at,
        coalesce(recorded.window_unit, derived.window_unit) as window_unit,
        coalesce(recorded.test_units, derived.test_units) as test_units,
        coalesce(recorded.validation_units, derived.validation_units) as validation_units,
        coalesce(recorded.test_window_rule, derived.test_window_rule) as test_window_rule,
        coalesce(recorded.validation_window_rule, derived.validation_window_rule)
            as validation_window_rule,
        coalesce(recorded.recorded_at, {{ run_started_timestamp() }}) as recorded_at
    from derived
    left join recorded on true
),

final as (
    select
        cast('current' as string) as window_key,
        cast(data_start_at as timestamp) as data_start_at,
        cast(data_end_at as timestamp) as data_end_at,
        cast(label_horizon_hours as integer) as label_horizon_hours,
        cast(label_horizon_rule as string) as label_horizon_rule,
        cast({{ ml_dateadd('hour', '-label_horizon_hours', 'data_end_at') }} as timestamp)
            as label_cutoff_at,
        cast(validation_start_at as timestamp) as validation_start_at,
        cast(test_start_at as timestamp) as test_start_at,
        cast(serving_as_of_at as timestamp) as serving_as_of_at,
        cast(window_unit as string) as window_unit,
        cast(test_units as integer) as test_units,
        cast(validation_units as integer) as validation_units,
        cast(test_window_rule as string) as test_window_rule,
        cast(validation_window_rule as string) as validation_window_rule,
        cast(case when is_kept then 'recorded' else 'derived' end as string) as split_rule,
        cast(recorded_at as timestamp) as recorded_at,
        cast('{{ settings }}' as string) as split_settings
    from chosen
)

select * from final
