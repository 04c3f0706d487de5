{%- set k = var('ranking_regression_k') -%}
{%- set margin = var('ranking_regression_margin') -%}

with

registry as (
    select
        model_version,
        passed_quality_gate
    from {{ source('ml', 'model_registry') }}
),

evaluations as (
    select
        model_version,
        model_value,
        baseline_value
    from {{ source('ml', 'evaluations') }}
    where metric = 'ndcg_at_k' and k = {{ k }}
),

drift as (
    select
        feature,
        psi,
        status
    from {{ ref('rpt_feature_drift') }}
),

anchor as (
    select 1 as one
),

current_model as (
    select max(model_version) as model_version
    from registry
    where passed_quality_gate
),

latest_version as (
    select max(model_version) as model_version
    from evaluations
),

latest_evaluation as (
    select
        evaluations.model_version,
        evaluations.model_value,
        evaluations.baseline_value
    from evaluations
    inner join latest_version
        on evaluations.model_version = latest_version.model_version
),

-- The newest version older than the latest evaluated one that passed its
-- quality gate and was evaluated at the same k: the quality to keep.
accepted_evaluation as (
    select
        evaluations.model_version,
        evaluations.model_value
    from evaluations
    inner join registry
        on evaluations.model_version = registry.model_version
    inner join latest_version
        on evaluations.model_version < latest_version.model_version
    where registry.passed_quality_gate
    order by evaluations.model_version desc
    limit 1
),

drift_summary as (
    select
        max(psi) as max_psi,
        sum(case when status = 'alert' then 1 else 0 end) as features_in_alert,
        {{ string_agg_ordered(
            "case when status = 'alert' then feature || '=' || cast(" ~ ml_round('psi', 3) ~ " as string) end",
            "', '", 'feature',
        ) }} as alert_features
    from drift
),

signals as (
    select
        current_model.model_version as current_model_version,
        latest_evaluation.model_version as evaluated_model_version,
        latest_evaluation.model_value as latest_ndcg,
        latest_evaluation.baseline_value as popularity_ndcg,
        accepted_evaluation.model_version as accepted_model_version,
        accepted_evaluation.model_value as accepted_ndcg,
        drift_summary.max_psi,
        coalesce(drift_summary.features_in_alert, 0) as features_in_alert,
        drift_summary.alert_features,
        current_model.model_version is null as no_current_model,
        coalesce(drift_summary.features_in_alert, 0) > 0 as drift_alert,
        coalesce(
            accepted_evaluation.model_value - latest_evaluation.model_value > {{ margin }}, false
        ) as ranking_regression,
        coalesce(
            latest_evaluation.model_value < latest_evaluation.baseline_value, false
        ) as below_popularity
    from anchor
    cross join current_model
    left join latest_evaluation on true
    left join accepted_evaluation on true
    left join drift_summary on true
),

final as (
    select
        cast(current_model_version as integer) as current_model_version,
        cast(evaluated_model_version as integer) as evaluated_model_version,
        {{ ml_round('latest_ndcg', 6) }} as latest_ndcg,
        {{ ml_round('popularity_ndcg', 6) }} as popularity_ndcg,
        cast(accepted_model_version as integer) as accepted_model_version,
        {{ ml_round('accepted_ndcg', 6) }} as accepted_ndcg,
        {{ ml_round('max_psi', 6) }} as max_psi,
        cast(features_in_alert as bigint) as features_in_alert,
        no_current_model,
        drift_alert,
        ranking_regression,
        below_popularity,
        (
            no_current_model or drift_alert or ranking_regression or below_popularity
        ) as needs_retraining,
        cast(
            concat_ws(
                '; ',
                case when no_current_model then 'no model has passed its quality gate' end,
                case
                    when drift_alert
                        then 'psi >= {{ var("psi_alert_threshold") }}: ' || alert_features
                end,
                case
                    when ranking_regression
                        then
                            'ndcg@{{ k }} of version ' || cast(evaluated_model_version as string)
                            || ' (' || cast({{ ml_round('latest_ndcg', 4) }} as string)
                            || ') fell more than {{ margin }} below version '
                            || cast(accepted_model_version as string)
                            || ' (' || cast({{ ml_round('accepted_ndcg', 4) }} as string) || ')'
                end,
                case
                    when below_popularity
                        then
                            'ndcg@{{ k }} of version ' || cast(evaluated_model_version as string)
                            || ' (' || cast({{ ml_round('latest_ndcg', 4) }} as string)
                            || ') is below the popularity baseline ('
                            || cast({{ ml_round('popularity_ndcg', 4) }} as string) || ')'
                end
            ) as string
        ) as reasons
    from signals
)

select * from final
