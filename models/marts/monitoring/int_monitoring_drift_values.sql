{#- Wide input of rpt_feature_drift: one row per training-set row (train and
    test splits) carrying every f_ feature, plus one row per score of the
    current model carrying the score. Wide, not one row per value: the report
    computes each column's edges and bin counts column by column, and never
    unpivots a value. Features keep their own type (ml_feature_columns):
    the edges' quantile aggregate holds every reference value, and an integer
    takes half the memory of a double (the edges are the same). A view: it
    only reshapes. -#}
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
-- A feature row leaves score NULL and a score row leaves every f_ column
-- NULL; row_kind says which columns a row populates.
feature_rows as (
    select
        case when split = 'train' then 'reference' else 'current' end as drift_window,
        'feature' as row_kind,
        cast(null as integer) as model_version,
        {%- for column in ml_feature_columns() %}
            {{ column['name'] }},
        {%- endfor %}
        cast(null as double) as score
    from training_set
),

score_rows as (
    select
        case when split = 'train' then 'reference' else 'current' end as drift_window,
        'score' as row_kind,
        model_version,
        {%- for column in ml_feature_columns() %}
            cast(null as {{ column['data_type'] }}) as {{ column['name'] }},
        {%- endfor %}
        score
    from current_scores
),

all_rows as (
    select * from feature_rows
    union all
    select * from score_rows
),

final as (
    select
        cast(drift_window as string) as drift_window,
        cast(row_kind as string) as row_kind,
        cast(model_version as integer) as model_version,
        {%- for column in ml_feature_columns() %}
            cast({{ column['name'] }} as {{ column['data_type'] }}) as {{ column['name'] }},
        {%- endfor %}
        cast(score as double) as score
    from all_rows
)

select * from final
