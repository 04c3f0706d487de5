{{ config(schema='intermediate') }}

with

windows as (
    select * from {{ ref('int_ml_time_windows') }}
),

serving as (
    select
        'serving' as scope,
        serving_as_of_at as as_of_at
    from windows
),

backtest as (
    select
        'backtest' as scope,
        test_start_at as as_of_at
    from windows
),

final as (
    select * from serving
    union all
    select * from backtest
)

select * from final
