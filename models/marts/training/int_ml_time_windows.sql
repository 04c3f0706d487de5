{{ config(schema='intermediate') }}

with

events as (
    select event_at from {{ ref('fct_engagements') }}
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

test_window as (
    select
        data_start_at,
        data_end_at,
        label_cutoff_at,
        -- The last test_days calendar days, the cutoff's own day included.
        {{ ml_dateadd(
            'day',
            '1 - ' ~ var('test_days'),
            "date_trunc('day', label_cutoff_at)",
        ) }} as test_start_at
    from label_cutoff
),

final as (
    select
        cast(data_start_at as timestamp) as data_start_at,
        cast(data_end_at as timestamp) as data_end_at,
        cast(label_cutoff_at as timestamp) as label_cutoff_at,
        cast(
            {{ ml_dateadd('day', '-' ~ var('validation_days'), 'test_start_at') }} as timestamp
        ) as validation_start_at,
        cast(test_start_at as timestamp) as test_start_at,
        cast(
            {{ ml_dateadd('microsecond', '1', 'data_end_at') }} as timestamp
        ) as serving_as_of_at
    from test_window
)

select * from final
