{#- Long format input of rpt_feature_drift: one value per row, feature and window.
    A view: it only reshapes, and rpt_feature_drift reads it once per build. -#}
{{ config(schema='intermediate', materialized='view') }}

with

training_set as (
    select
        {%- for column in ml_feature_columns() %}
            {{ column['name'] }},
        {%- endfor %}
        split
    from {{ ref('feat_training_set') }}
    where split in ('train', 'test')
),

registry as (
    select
        model_version,
        passed_quality_gate
    from {{ source('ml', 'model_registry') }}
),

training_set_scores as (
    select
        model_version,
        split,
        score
    from {{ source('ml', 'training_set_scores') }}
    where split in ('train', 'test')
),

current_model as (
    select max(model_version) as model_version
    from registry
    where passed_quality_gate
),

current_scores as (
    select
        training_set_scores.model_version,
        training_set_scores.split,
        training_set_scores.score
    from training_set_scores
    inner join current_model
        on training_set_scores.model_version = current_model.model_version
),

-- train split = reference window, test split (the latest) = current window.
long_values as (
    {%- for column in ml_feature_columns() %}
        select
            case when split = 'train' then 'reference' else 'current' end as drift_window,
            '{{ column["name"] }}' as feature,
            'feature' as feature_kind,
            cast(null as integer) as model_version,
            cast({{ column['name'] }} as double) as feature_value
        from training_set
        union all
    {%- endfor %}
    select
        case when split = 'train' then 'reference' else 'current' end as drift_window,
        'score' as feature,
        'score' as feature_kind,
        model_version,
        score as feature_value
    from current_scores
),

final as (
    select
        cast(drift_window as varchar) as drift_window,
        cast(feature as varchar) as feature,
        cast(feature_kind as varchar) as feature_kind,
        cast(model_version as integer) as model_version,
        cast(feature_value as double) as feature_value
    from long_values
)

select * from final
