with

registry as (
    select
        model_version,
        model_kind,
        trained_at,
        passed_quality_gate,
        val_roc_auc,
        val_log_loss,
        val_brier,
        val_ece,
        baseline_roc_auc,
        baseline_log_loss
    from {{ source('ml', 'model_registry') }}
),

training_set_scores as (
    select
        model_version,
        split,
        cast(impression_at as date) as impression_date,
        label,
        score
    from {{ source('ml', 'training_set_scores') }}
),

current_model as (
    select max(model_version) as model_version
    from registry
    where passed_quality_gate
),

-- Rank of each score inside its (version, split, day), ascending; tied scores
-- share the mean of the ranks they span, which makes the rank-sum AUC below
-- count a tie between a positive and a negative as half a win (as sklearn does).
ranked as (
    select
        model_version,
        split,
        impression_date,
        label,
        score,
        cast(
            rank() over (
                partition by model_version, split, impression_date order by score
            ) as double
        )
        + cast(
            count(*) over (
                partition by model_version, split, impression_date, score
            ) - 1 as double
        ) / 2 as score_rank
    from training_set_scores
),

daily as (
    select
        model_version,
        split,
        impression_date,
        count(*) as impressions,
        sum(label) as positives,
        avg(cast(label as double)) as observed_ctr,
        avg(score) as mean_score,
        sum(case when label = 1 then score_rank else 0 end) as positive_rank_sum
    from ranked
    group by model_version, split, impression_date
),

-- Mann-Whitney: AUC = (sum of positive ranks - P(P+1)/2) / (P * N); undefined
-- (NULL) on a day with one class only.
final as (
    select
        daily.model_version,
        registry.model_kind,
        registry.passed_quality_gate,
        coalesce(daily.model_version = current_model.model_version, false) as is_current,
        daily.split,
        daily.impression_date,
        daily.impressions,
        cast(daily.positives as bigint) as positives,
        {{ ml_round('daily.observed_ctr', 6) }} as observed_ctr,
        {{ ml_round('daily.mean_score', 6) }} as mean_score,
        {{ ml_round('daily.mean_score - daily.observed_ctr', 6) }} as calibration_gap,
        case
            when daily.positives > 0 and daily.positives < daily.impressions
                then {{ ml_round(
                    '(daily.positive_rank_sum - cast(daily.positives as double) * (daily.positives + 1) / 2)'
                    ~ ' / (cast(daily.positives as double) * (daily.impressions - daily.positives))',
                    6,
                ) }}
        end as roc_auc,
        registry.val_roc_auc,
        registry.val_log_loss,
        registry.val_brier,
        registry.val_ece,
        registry.baseline_roc_auc,
        registry.baseline_log_loss,
        registry.trained_at
    from daily
    inner join registry
        on daily.model_version = registry.model_version
    cross join current_model
)

select * from final
