{{ config(
    schema='intermediate',
    post_hook="{{ fail_when_windows_do_not_fit() }}",
) }}

{#- The test and validation windows are whole days counted back from the label
    cutoff. A number set in test_days / validation_days wins; when a var is
    null or 'auto', its length is derived from the data: the number of days
    whose labelled impressions come closest to eval_window_share of all
    labelled impressions (ties: fewer days), at least 1, leaving at least one
    day of labelled impressions to the windows before it. -#}
{%- set share = var('eval_window_share') -%}
{%- set set_test_days = var('test_days', none) -%}
{%- set set_validation_days = var('validation_days', none) -%}
{#- A set length as an integer literal; null (derive) when the var is null or 'auto'. -#}
{%- set set_test_days = 'cast(null as integer)' if set_test_days in [none, 'auto']
    else 'cast(' ~ (set_test_days | int) ~ ' as integer)' -%}
{%- set set_validation_days = 'cast(null as integer)' if set_validation_days in [none, 'auto']
    else 'cast(' ~ (set_validation_days | int) ~ ' as integer)' -%}

with

events as (
    select
        event_at,
        event_type,
        is_bot_user
    from {{ ref('fct_engagements') }}
),

bounds as (
    select
        min(event_at) as data_start_at,
        max(event_at) as data_end_at
    from events
),

label_cutoff as (
    select
        data_start_at,
        data_end_at,
        {{ ml_dateadd('hour', '-' ~ var('label_horizon_hours'), 'data_end_at') }} as label_cutoff_at
    from bounds
),

-- The impressions training can label (as feat_training_set: human users, at
-- or before the label cutoff), by whole days back from the cutoff's day
-- (0 = the cutoff's own day).
labelled_impressions as (
    select
        {{ ml_datediff(
            'cast(events.event_at as date)', 'cast(label_cutoff.label_cutoff_at as date)', 'day',
        ) }} as day_offset
    from events
    cross join label_cutoff
    where
        events.event_type = 'impression'
        and not events.is_bot_user
        and events.event_at <= label_cutoff.label_cutoff_at
),

labelled_by_day as (
    select
        day_offset,
        count(*) as impressions
    from labelled_impressions
    group by day_offset
),

labelled_totals as (
    select
        sum(impressions) as labelled_impressions,
        max(day_offset) + 1 as labelled_days
    from labelled_by_day
),

-- Each candidate test length d (a day with impressions, d = its offset + 1)
-- and the share of labelled impressions in the last d days.
test_candidates as (
    select
        labelled_by_day.day_offset + 1 as window_days,
        cast(
            sum(labelled_by_day.impressions) over (
                order by labelled_by_day.day_offset
                rows between unbounded preceding and current row
            ) as double
        ) / labelled_totals.labelled_impressions as window_share
    from labelled_by_day
    cross join labelled_totals
    where labelled_by_day.day_offset + 1 <= labelled_totals.labelled_days - 2
),

derived_test as (
    select window_days
    from test_candidates
    order by abs(window_share - {{ share }}), window_days
    limit 1
),

effective_test as (
    select
        coalesce({{ set_test_days }}, derived_test.window_days, 1) as test_days,
        case when {{ set_test_days }} is null then 'derived' else 'set' end as test_days_rule
    from labelled_totals
    left join derived_test on labelled_totals.labelled_impressions > 0
),

-- The same for the validation window, counted back from the test start.
validation_candidates as (
    select
        labelled_by_day.day_offset - effective_test.test_days + 1 as window_days,
        cast(
            sum(labelled_by_day.impressions) over (
                order by labelled_by_day.day_offset
                rows between unbounded preceding and current row
            ) as double
        ) / labelled_totals.labelled_impressions as window_share
    from labelled_by_day
    cross join effective_test
    cross join labelled_totals
    where
        labelled_by_day.day_offset >= effective_test.test_days
        and labelled_by_day.day_offset + 1 <= labelled_totals.labelled_days - 1
),

derived_validation as (
    select window_days
    from validation_candidates
    order by abs(window_share - {{ share }}), window_days
    limit 1
),

effective_windows as (
    select
        effective_test.test_days,
        effective_test.test_days_rule,
        coalesce({{ set_validation_days }}, derived_validation.window_days, 1) as validation_days,
        case when {{ set_validation_days }} is null then 'derived' else 'set' end as validation_days_rule
    from effective_test
    left join derived_validation on effective_test.test_days > 0
),

window_counts as (
    select
        sum(
            case
                when labelled_by_day.day_offset < effective_windows.test_days
                    then labelled_by_day.impressions
            end
        ) as test_impressions,
        sum(
            case
                when
                    labelled_by_day.day_offset >= effective_windows.test_days
                    and labelled_by_day.day_offset
                    < effective_windows.test_days + effective_windows.validation_days
                    then labelled_by_day.impressions
            end
        ) as validation_impressions
    from labelled_by_day
    cross join effective_windows
),

test_window as (
    select
        label_cutoff.data_start_at,
        label_cutoff.data_end_at,
        label_cutoff.label_cutoff_at,
        effective_windows.test_days,
        effective_windows.validation_days,
        effective_windows.test_days_rule,
        effective_windows.validation_days_rule,
        -- The last test_days calendar days, the cutoff's own day included.
        {{ ml_dateadd(
            'day',
            '1 - effective_windows.test_days',
            "date_trunc('day', label_cutoff.label_cutoff_at)",
        ) }} as test_start_at
    from label_cutoff
    cross join effective_windows
),

window_shares as (
    select
        {{ ml_safe_divide(
            'coalesce(window_counts.test_impressions, 0)', 'labelled_totals.labelled_impressions',
        ) }} as test_share,
        {{ ml_safe_divide(
            'coalesce(window_counts.validation_impressions, 0)', 'labelled_totals.labelled_impressions',
        ) }} as validation_share
    from window_counts
    cross join labelled_totals
),

final as (
    select
        cast(test_window.data_start_at as timestamp) as data_start_at,
        cast(test_window.data_end_at as timestamp) as data_end_at,
        cast(test_window.label_cutoff_at as timestamp) as label_cutoff_at,
        cast(
            {{ ml_dateadd('day', '-test_window.validation_days', 'test_window.test_start_at') }} as timestamp
        ) as validation_start_at,
        cast(test_window.test_start_at as timestamp) as test_start_at,
        cast(
            {{ ml_dateadd('microsecond', '1', 'test_window.data_end_at') }} as timestamp
        ) as serving_as_of_at,
        cast(test_window.test_days as integer) as test_days,
        cast(test_window.validation_days as integer) as validation_days,
        cast(test_window.test_days_rule as varchar) as test_days_rule,
        cast(test_window.validation_days_rule as varchar) as validation_days_rule,
        cast({{ share }} as double) as target_window_share,
        cast(window_shares.test_share as double) as test_share,
        cast(window_shares.validation_share as double) as validation_share
    from test_window
    cross join window_shares
)

select * from final
