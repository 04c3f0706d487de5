{{ config(schema='intermediate') }}

{#- The as-of times retrieval runs at. Two are scored: 'serving' and
    'backtest' (the evaluation's cut-off). Two are trained on: the ranking
    evaluation's protocol moved back in time, so the model learns from rows
    drawn the way it will be used (candidates at an as-of time, labelled by
    what the user went on to engage with): 'validation' at the validation
    window's start, labelled up to the test window's start, and 'train' one
    validation-window length earlier, labelled up to the validation start.
    A training scope is left out when it would start before the data or has
    an empty label window. Only 'serving' covers every user (it is what is
    served); the others retrieve for the users int_ml_scope_users names, those
    who engage in their label window (the backtest's runs to the end of the
    data): the only users a training row or the evaluation can count. -#}

with

windows as (
    select * from {{ ref('int_ml_time_windows') }}
),

scopes as (
    select
        'serving' as scope,
        serving_as_of_at as as_of_at,
        cast(null as timestamp) as label_until_at,
        false as is_training,
        true as covers_every_user
    from windows
    union all
    select
        'backtest' as scope,
        test_start_at as as_of_at,
        cast(null as timestamp) as label_until_at,
        false as is_training,
        false as covers_every_user
    from windows
    union all
    select
        'validation' as scope,
        validation_start_at as as_of_at,
        test_start_at as label_until_at,
        true as is_training,
        false as covers_every_user
    from windows
    union all
    select
        'train' as scope,
        validation_start_at - (test_start_at - validation_start_at) as as_of_at,
        validation_start_at as label_until_at,
        true as is_training,
        false as covers_every_user
    from windows
),

final as (
    select
        cast(scopes.scope as string) as scope,
        cast(scopes.as_of_at as timestamp) as as_of_at,
        cast(scopes.label_until_at as timestamp) as label_until_at,
        cast(scopes.is_training as boolean) as is_training,
        cast(scopes.covers_every_user as boolean) as covers_every_user
    from scopes
    cross join windows
    where
        not scopes.is_training
        or (scopes.as_of_at > windows.data_start_at and scopes.as_of_at < scopes.label_until_at)
)

select * from final
