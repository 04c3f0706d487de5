{{ config(schema='intermediate') }}

{#- The label horizon, then the test and validation windows counted back from
    the label cutoff, in whole days, or in whole hours when the labelled
    requests fall on fewer than 3 days (one or two days of data cannot hold
    whole-day train, validation and test windows).
    A number set in label_horizon_hours / test_days / validation_days wins
    (a set window length is in days); null or 'auto' derives it from the data:
    - the horizon: 24 h, but at most an eighth of the data's span (at least
      1 h), so a short log keeps most of its events labellable;
    - a window: the number of units whose labelled requests come closest to
      eval_window_share of all of them (ties: fewer units), at least 1,
      leaving at least one unit with labelled requests to the windows before.
    Labelled requests are what feat_training_set trains on: human impressions
    at or before the cutoff, or human engagements on a log that trains on
    sampled negatives (ml_negative_sampling_on), which has no impressions. -#}
{%- set share = var('eval_window_share') -%}
{%- set set_horizon = ml_int_var_or_null('label_horizon_hours') -%}
{%- set set_test_days = ml_int_var_or_null('test_days') -%}
{%- set set_validation_days = ml_int_var_or_null('validation_days') -%}

with

events as (
    select
        event_at,
        event_type,
        is_engagement,
        is_bot_user
    from {{ ref('fct_engagements') }}
),

sampling as (
    select
        {{ ml_negative_sampling_on() }} as is_on
    from events
    where not is_bot_user
),

bounds as (
    select
        min(event_at) as data_start_at,
        max(event_at) as data_end_at
    from events
),

horizon as (
    select
        data_start_at,
        data_end_at,
        coalesce(
            {{ set_horizon }},
            cast(
                least(
                    24,
                    greatest(
                        1,
                        floor({{ ml_datediff('data_start_at', 'data_end_at', 'second') }} / (8 * 3600.0))
                    )
                ) as integer
            )
        ) as label_horizon_hours,
        case when {{ set_horizon }} is null then 'derived' else 'set' end as label_horizon_rule
    from bounds
),

label_cutoff as (
    select
        *,
        {{ ml_dateadd('hour', '-label_horizon_hours', 'data_end_at') }} as label_cutoff_at
    from horizon
),

-- The labelled requests by whole days and whole hours back from the cutoff's
-- day and hour (0 = the cutoff's own).
labelled_requests as (
    select
        {{ ml_datediff(
            'cast(events.event_at as date)', 'cast(label_cutoff.label_cutoff_at as date)', 'day',
        ) }} as day_offset,
        {{ ml_datediff(
            "date_trunc('hour', events.event_at)", "date_trunc('hour', label_cutoff.label_cutoff_at)",
            'hour',
        ) }} as hour_offset
    from events
    cross join label_cutoff
    cross join sampling
    where
        not events.is_bot_user
        and events.event_at <= label_cutoff.label_cutoff_at
        and (
            (not sampling.is_on and events.event_type = 'impression')
            or (sampling.is_on and events.is_engagement)
        )
),

window_unit as (
    select
        case
            when
                {{ set_test_days }} is not null
                or {{ set_validation_days }} is not null
                or count(distinct day_offset) >= 3
                then 'day'
            else 'hour'
        end as unit
    from labelled_requests
),

labelled_by_unit as (
    select
        case
            when window_unit.unit = 'day' then labelled_requests.day_offset
            else labelled_requests.hour_offset
        end as unit_offset,
        count(*) as requests
    from labelled_requests
    cross join window_unit
    group by 1
),

labelled_totals as (
    select
        sum(requests) as labelled_requests,
        max(unit_offset) + 1 as labelled_units
    from labelled_by_unit
),

-- Each candidate test length n (a unit with requests, n = its offset + 1)
-- and the share of labelled requests in the last n units.
test_candidates as (
    select
        labelled_by_unit.unit_offset + 1 as window_units,
        cast(
            sum(labelled_by_unit.requests) over (
                order by labelled_by_unit.unit_offset
                rows between unbounded preceding and current row
            ) as double
        ) / labelled_totals.labelled_requests as window_share
    from labelled_by_unit
    cross join labelled_totals
    where labelled_by_unit.unit_offset + 1 <= labelled_totals.labelled_units - 2
),

derived_test as (
    select window_units
    from test_candidates
    order by abs(window_share - {{ share }}), window_units
    limit 1
),

effective_test as (
    select
        coalesce({{ set_test_days }}, derived_test.window_units, 1) as test_units,
        case when {{ set_test_days }} is null then 'derived' else 'set' end as test_window_rule
    from labelled_totals
    left join derived_test on labelled_totals.labelled_requests > 0
),

-- The same for the validation window, counted back from the test start.
validation_candidates as (
    select
        labelled_by_unit.unit_offset - effective_test.test_units + 1 as window_units,
        cast(
            sum(labelled_by_unit.requests) over (
                order by labelled_by_unit.unit_offset
                rows between unbounded preceding and current row
            ) as double
        ) / labelled_totals.labelled_requests as window_share
    from labelled_by_unit
    cross join effective_test
    cross join labelled_totals
    where
        labelled_by_unit.unit_offset >= effective_test.test_units
        and labelled_by_unit.unit_offset + 1 <= labelled_totals.labelled_units - 1
),

derived_validation as (
    select window_units
    from validation_candidates
    order by abs(window_share - {{ share }}), window_units
    limit 1
),

effective_windows as (
    select
        effective_test.test_units,
        effective_test.test_window_rule,
        coalesce({{ set_validation_days }}, derived_validation.window_units, 1) as validation_units,
        case when {{ set_validation_days }} is null then 'derived' else 'set' end as validation_window_rule
    from effective_test
    left join derived_validation on effective_test.test_units > 0
),

window_counts as (
    select
        sum(
            case
                when labelled_by_unit.unit_offset < effective_windows.test_units
                    then labelled_by_unit.requests
            end
        ) as test_requests,
        sum(
            case
                when
                    labelled_by_unit.unit_offset >= effective_windows.test_units
                    and labelled_by_unit.unit_offset
                    < effective_windows.test_units + effective_windows.validation_units
                    then labelled_by_unit.requests
            end
        ) as validation_requests
    from labelled_by_unit
    cross join effective_windows
),

-- The last test_units whole units, the cutoff's own included; validation
-- the validation_units before them.
window_starts as (
    select
        label_cutoff.*,
        window_unit.unit,
        effective_windows.*,
        case
            when window_unit.unit = 'day'
                then {{ ml_dateadd(
                    'day', '1 - effective_windows.test_units', "date_trunc('day', label_cutoff.label_cutoff_at)",
                ) }}
            else {{ ml_dateadd(
                'hour', '1 - effective_windows.test_units', "date_trunc('hour', label_cutoff.label_cutoff_at)",
            ) }}
        end as test_start_at,
        case
            when window_unit.unit = 'day'
                then {{ ml_dateadd(
                    'day',
                    '1 - effective_windows.test_units - effective_windows.validation_units',
                    "date_trunc('day', label_cutoff.label_cutoff_at)",
                ) }}
            else {{ ml_dateadd(
                'hour',
                '1 - effective_windows.test_units - effective_windows.validation_units',
                "date_trunc('hour', label_cutoff.label_cutoff_at)",
            ) }}
        end as validation_start_at
    from label_cutoff
    cross join window_unit
    cross join effective_windows
),

window_shares as (
    select
        {{ ml_safe_divide(
            'coalesce(window_counts.test_requests, 0)', 'labelled_totals.labelled_requests',
        ) }} as test_share,
        {{ ml_safe_divide(
            'coalesce(window_counts.validation_requests, 0)', 'labelled_totals.labelled_requests',
        ) }} as validation_share
    from window_counts
    cross join labelled_totals
),

final as (
    select
        cast(window_starts.data_start_at as timestamp) as data_start_at,
        cast(window_starts.data_end_at as timestamp) as data_end_at,
        cast(window_starts.label_horizon_hours as integer) as label_horizon_hours,
        cast(window_starts.label_horizon_rule as string) as label_horizon_rule,
        cast(window_starts.label_cutoff_at as timestamp) as label_cutoff_at,
        cast(window_starts.validation_start_at as timestamp) as validation_start_at,
        cast(window_starts.test_start_at as timestamp) as test_start_at,
        cast(
            {{ ml_dateadd('microsecond', '1', 'window_starts.data_end_at') }} as timestamp
        ) as serving_as_of_at,
        cast(window_starts.unit as string) as window_unit,
        cast(window_starts.test_units as integer) as test_units,
        cast(window_starts.validation_units as integer) as validation_units,
        cast(window_starts.test_window_rule as string) as test_window_rule,
        cast(window_starts.validation_window_rule as string) as validation_window_rule,
        cast({{ share }} as double) as target_window_share,
        cast(window_shares.test_share as double) as test_share,
        cast(window_shares.validation_share as double) as validation_share
    from window_starts
    cross join window_shares
)

select * from final
