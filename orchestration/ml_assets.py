"""The ml steps as Python assets between the feature marts and the monitoring reports.

Each asset calls the plain `ml` function that does the work (the same one the
`python -m ml` CLI calls) and turns its result into metadata people read in the UI.
Keys live under `ml/` and match the dbt source `ml`, so the monitoring models that
read these tables hang below them in the graph."""

from dataclasses import asdict

import duckdb
from dagster import (
    AssetCheckResult,
    AssetCheckSeverity,
    AssetCheckSpec,
    AssetExecutionContext,
    AssetKey,
    AssetSpec,
    MaterializeResult,
    MetadataValue,
    asset,
    multi_asset,
)

from ml.config import EvaluateConfig, ScoreConfig, TrainConfig, default_truth_dir
from ml.evaluate import evaluate
from ml.evaluation_report import comparison_table, markdown, recall_table, result_rows, target_lines
from ml.score import score
from ml.train import TrainResult, train
from orchestration.resources import WarehouseResource

GROUP = "ml"
POOL = "duckdb_writer"
MODEL_KEY = AssetKey(["ml", "model_registry"])
PREDICTIONS_KEY = AssetKey(["ml", "predictions"])
RECOMMENDATIONS_KEY = AssetKey(["ml", "recommendations"])
EVALUATIONS_KEY = AssetKey(["ml", "evaluations"])
TRAINING_SCORES_KEY = AssetKey(["ml", "training_set_scores"])


@asset(
    key=MODEL_KEY,
    group_name=GROUP,
    deps=[AssetKey("feat_training_set"), AssetKey("feat_candidate_training_set")],
    pool=POOL,
    kinds={"scikit-learn", "duckdb"},
    description="Train candidate pipelines on the point-in-time training set, pick the best "
    "on validation ROC AUC, gate it against the popularity/CTR baseline (enough validation "
    "rows, and bootstrap intervals of the improvement above 0) and register it.",
    check_specs=[
        AssetCheckSpec(
            "beats_baseline",
            asset=MODEL_KEY,
            blocking=True,
            description="The quality gate passed (TrainConfig.quality_gate: validation big "
            "enough, bootstrap intervals of the ROC AUC and log loss improvements over the "
            "baseline above 0) and the metrics are within sane bounds.",
        )
    ],
)
def trained_model(warehouse: WarehouseResource) -> MaterializeResult:
    result = train(warehouse.db, warehouse.models, TrainConfig())
    passed, reason = _gate_verdict(result)
    intervals = result.quality_gate.get("intervals") or {}
    interval_metadata = {
        f"{metric}_improvement_interval": f"[{v['lower']:+.4f}, {v['upper']:+.4f}]"
        for metric, v in intervals.items()  # type: ignore[union-attr]
    }
    return MaterializeResult(
        metadata={
            "model_version": result.model_version,
            "reused_existing_version": result.reused_existing_version,
            "model_kind": result.model_kind,
            "val_roc_auc": result.val_roc_auc,
            "baseline_roc_auc": result.baseline_roc_auc,
            "val_log_loss": result.val_log_loss,
            "baseline_log_loss": result.baseline_log_loss,
            "val_brier": result.val_brier,
            "val_ece": result.val_ece,
            "train_rows": result.train_rows,
            "validation_rows": result.validation_rows,
            "selection": result.selection_reason,
            "validation_by_source": MetadataValue.md(_by_source_table(result)),
            "training_data_hash": result.training_data_hash,
            "artifact": MetadataValue.path(result.artifact_path),
        },
        check_results=[
            AssetCheckResult(
                check_name="beats_baseline",
                passed=passed,
                severity=AssetCheckSeverity.ERROR,
                description=None if passed else _gate_failure_advice(result),
                metadata={
                    "reason": reason,
                    "val_roc_auc": result.val_roc_auc,
                    "baseline_roc_auc": result.baseline_roc_auc,
                    **interval_metadata,
                },
            )
        ],
    )


def _by_source_table(result: TrainResult) -> str:
    """Validation per row source as a markdown table: the blended figures mix logged
    impressions (high positive rate) with retrieval's candidates (low)."""
    lines = [
        "| rows from | rows | positives | roc_auc (baseline) | log_loss (baseline) |",
        "|---|---|---|---|---|",
    ]
    for source, entry in sorted(result.validation_by_source.items(), reverse=True):
        auc, loss = (_model_and_baseline(entry, m) for m in ("roc_auc", "log_loss"))
        lines.append(
            f"| {source} | {entry.get('rows', 0)} | {entry.get('positives', 0)} | {auc} | {loss} |"
        )
    return "\n".join(lines)


def _model_and_baseline(entry: dict[str, object], metric: str) -> str:
    model, baseline = entry.get("model"), entry.get("baseline")
    if not isinstance(model, dict) or not isinstance(baseline, dict):
        return "n/a (one label only)"
    return f"{model[metric]:.4f} ({baseline[metric]:.4f})"


def _gate_verdict(result: TrainResult) -> tuple[bool, str]:
    """The gate ml applied, plus sane bounds on the metrics, and why it passed or not."""
    sane = 0.5 < result.val_roc_auc <= 1.0 and 0.0 < result.val_log_loss < 1.0
    reason = result.quality_gate_reason
    if not sane:
        reason += (
            f"; metrics outside sane bounds: validation roc_auc {result.val_roc_auc:.4f}"
            f" (needs 0.5 < x <= 1), log_loss {result.val_log_loss:.4f} (needs 0 < x < 1)"
        )
    return result.passed_quality_gate and sane, reason


def _gate_failure_advice(result: TrainResult) -> str:
    """What a failed gate means for the run and where to look, in plain words."""
    return (
        f"Model version {result.model_version} ({result.model_kind}) is registered but not"
        " current, so the last model that passed keeps serving; scoring, evaluation and the"
        " monitoring reports did not run. Where to look: ml.model_registry (metrics and"
        " quality_gate_reason of every version) and the training set marts.feat_training_set"
        " (labels per split). Fix: train on more history or richer events; a log whose"
        " engagement barely depends on the features cannot beat the popularity baseline."
    )


def _recommendation_preview(db_path: str, model_version: int, rows: int = 15) -> str:
    con = duckdb.connect(db_path, read_only=True)
    try:
        records = con.execute(
            "select user_id, rank, tweet_id, round(score, 4) from ml.recommendations"
            " where model_version = ? and scope = 'serving' order by user_id, rank limit ?",
            [model_version, rows],
        ).fetchall()
    finally:
        con.close()
    lines = ["| user_id | rank | tweet_id | score |", "|---|---|---|---|"]
    lines += [f"| {u} | {r} | {t} | {s} |" for u, r, t, s in records]
    return "\n".join(lines)


@multi_asset(
    specs=[
        AssetSpec(
            PREDICTIONS_KEY,
            group_name=GROUP,
            deps=[MODEL_KEY, AssetKey("feat_scoring_candidates")],
            description="Engagement probability for every candidate (serving and backtest).",
            kinds={"duckdb"},
        ),
        AssetSpec(
            RECOMMENDATIONS_KEY,
            group_name=GROUP,
            deps=[MODEL_KEY, AssetKey("feat_scoring_candidates")],
            description="Top-K tweets per user by predicted engagement, stamped with the model.",
            kinds={"duckdb"},
        ),
        AssetSpec(
            TRAINING_SCORES_KEY,
            group_name=GROUP,
            deps=[MODEL_KEY, AssetKey("feat_training_set")],
            description="The current model's score for every training-set row: the reference "
            "distribution for prediction drift and per-day performance reports.",
            kinds={"duckdb"},
        ),
    ],
    pool=POOL,
    # The stream's hot path selects the predictions and recommendations alone: the
    # training set's scores wait for its monitoring run (orchestration/stream.py).
    can_subset=True,
)
def batch_scores(context: AssetExecutionContext, warehouse: WarehouseResource):
    selected = context.selected_asset_keys
    result = score(
        warehouse.db,
        warehouse.models,
        ScoreConfig(score_training_set=TRAINING_SCORES_KEY in selected),
    )
    metadata = {
        PREDICTIONS_KEY: {
            "model_version": result.model_version,
            "rows_by_scope": MetadataValue.json(result.prediction_rows),
            # Rows whose inputs changed since this version scored them; the rest kept theirs.
            "rescored_rows": result.rescored_rows.get("candidates", 0),
        },
        TRAINING_SCORES_KEY: {
            "model_version": result.model_version,
            "rows": result.training_set_score_rows,
            "rescored_rows": result.rescored_rows.get("training_set", 0),
        },
        RECOMMENDATIONS_KEY: {
            "model_version": result.model_version,
            "k": result.k,
            "rows_by_scope": MetadataValue.json(result.recommendation_rows),
            "users_by_scope": MetadataValue.json(result.users_with_recommendations),
            "preview": MetadataValue.md(
                _recommendation_preview(warehouse.db_path, result.model_version)
            ),
        },
    }
    for key, values in metadata.items():
        if key in selected:
            yield MaterializeResult(asset_key=key, metadata=values)


@asset(
    key=EVALUATIONS_KEY,
    group_name=GROUP,
    deps=[RECOMMENDATIONS_KEY, AssetKey("fct_engagements")],
    pool=POOL,
    kinds={"duckdb"},
    description="precision/recall/NDCG/MAP@k on the held-out later window with 95% "
    "bootstrap intervals: the model against global and recent popularity, item-kNN, random "
    "and (generated data) the ground truth; candidate recall per retrieval source.",
)
def ranking_evaluation(context: AssetExecutionContext, warehouse: WarehouseResource):
    truth = default_truth_dir()
    result = evaluate(warehouse.db, EvaluateConfig(truth_dir=str(truth) if truth else None))
    context.log.info("ranking evaluation: %s", asdict(result))
    if result.nothing_to_evaluate:
        # Not a failure: the held-out window was empty, the run goes on.
        context.log.warning("ranking evaluation: %s", result.nothing_to_evaluate)
    metadata: dict[str, object] = {
        "model_version": result.model_version,
        "k": result.k,
        "cutoff": str(result.cutoff),
        "users_evaluated": result.users_evaluated,
    }
    if result.nothing_to_evaluate:
        metadata["nothing_to_evaluate"] = result.nothing_to_evaluate
    for name, value in result.model.items():
        metadata[f"model_{name}"] = value
    for name, value in result.baseline.items():
        metadata[f"popularity_{name}"] = value
    for source, by_n in result.candidate_recall_at.items():
        for n, interval in by_n.items():
            metadata[f"candidate_recall_{source}_at_{n}"] = interval.value
    rows = result_rows(result)
    if comparison := comparison_table(rows):
        metadata["rankers"] = MetadataValue.md(markdown(comparison))
    if recall := recall_table(rows):
        metadata["candidate_recall"] = MetadataValue.md(markdown(recall))
    if targets := target_lines(rows):
        metadata["targets"] = MetadataValue.md("\n".join(f"- {line}" for line in targets))
    for ranker, why in result.skipped.items():
        metadata[f"{ranker}_skipped"] = why
    return MaterializeResult(metadata=metadata)


ml_assets = [trained_model, batch_scores, ranking_evaluation]
