"""End to end on the real default seeds: dbt builds a private warehouse, ml trains, scores
and evaluates, dbt builds the monitoring models; the SQL monitoring agrees with Python."""

from __future__ import annotations

import shutil
import subprocess
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import duckdb
import numpy as np
import pytest
from conftest import MONITORING, ScoredWarehouse
from sklearn.metrics import roc_auc_score

from ml.config import EvaluateConfig
from ml.evaluate import EvaluationResult, evaluate
from ml.psi import psi
from ml.score import ScoreResult
from ml.train import TrainResult


@dataclass(frozen=True)
class EndToEnd:
    db: Path
    trained: TrainResult
    scored: ScoreResult
    evaluated: EvaluationResult
    monitoring_before_ml: int


@pytest.fixture(scope="module")
def e2e(
    scored_warehouse: ScoredWarehouse,
    tmp_path_factory: pytest.TempPathFactory,
    dbt_runner: Callable[..., subprocess.CompletedProcess[str]],
) -> EndToEnd:
    """A private copy of the session's trained and scored warehouse (conftest), then
    evaluation -> monitoring as in production."""
    root = tmp_path_factory.mktemp("ml_e2e")
    db, target = root / "warehouse.duckdb", root / "target"
    shutil.copy(scored_warehouse.db, db)
    truth = Path(__file__).resolve().parent.parent / "ground_truth"
    evaluated = evaluate(db, EvaluateConfig(k=10, truth_dir=str(truth)))
    dbt_runner(["build", "--select", MONITORING], db, target)
    return EndToEnd(
        db, scored_warehouse.trained, scored_warehouse.scored, evaluated,
        scored_warehouse.monitoring_before_ml,
    )


def _query(db: Path, sql: str, params: list[object] | None = None) -> list[tuple[object, ...]]:
    with duckdb.connect(str(db), read_only=True) as con:
        return con.execute(sql, params or []).fetchall()


def test_monitoring_models_build_before_ml_has_run(e2e: EndToEnd) -> None:
    # One row per point-in-time feature (no 'score' row yet: no model existed). The
    # retrieval features (ml_source_feature_columns) are not monitored: drift compares
    # the logged rows' windows, where they are NULL by definition.
    features = _query(
        e2e.db,
        "select count(*) from information_schema.columns "
        "where table_schema = 'marts' and table_name = 'feat_training_set' "
        "and column_name like 'f\\_%' escape '\\' "
        "and substr(column_name, 3) not in (select column_name from information_schema.columns "
        "where table_schema = 'marts' and table_name = 'fct_candidates')",
    )[0][0]
    assert e2e.monitoring_before_ml == features > 0


def test_model_beats_the_baseline_on_the_default_seeds(e2e: EndToEnd) -> None:
    result = e2e.trained
    assert result.passed_quality_gate, result.quality_gate_reason
    assert result.val_roc_auc > result.baseline_roc_auc
    assert result.val_log_loss < result.baseline_log_loss


def test_every_candidate_is_scored_and_evaluated(e2e: EndToEnd) -> None:
    candidates = dict(
        _query(e2e.db, "select scope, count(*) from marts.feat_scoring_candidates group by 1")
    )
    assert e2e.scored.prediction_rows == candidates
    assert e2e.evaluated.users_evaluated > 0
    metrics = _query(
        e2e.db,
        "select metric, model_value, baseline_value from ml.evaluations where model_version = ?",
        [e2e.trained.model_version],
    )
    assert {m for m, _, _ in metrics} == {
        "precision_at_k", "recall_at_k", "ndcg_at_k", "map_at_k", "users_evaluated",
        "candidate_recall",
    }


def test_recommendations_meet_the_targets_on_the_default_sample(e2e: EndToEnd) -> None:
    """Issue 14's targets, under the one protocol every ranker shares (ml/evaluate.py)."""
    result = e2e.evaluated
    assert result.candidate_recall_at["combined"][200].value >= 0.40
    ndcg = {ranker: metrics["ndcg_at_k"] for ranker, metrics in result.rankers.items()}
    model = ndcg["model"]
    for ranker, factor in (("global_popularity", 3.0), ("item_knn", 1.5)):
        assert model.value >= factor * ndcg[ranker].value, (ranker, model, ndcg[ranker])
        assert not model.overlaps(ndcg[ranker]), (ranker, model, ndcg[ranker])
    # Every baseline, and the generator's ground truth, were ranked on the same users.
    assert set(ndcg) == {
        "model", "global_popularity", "recent_popularity", "item_knn", "random", "ground_truth",
    }
    assert result.skipped == {}
    rows = _query(
        e2e.db,
        "select distinct users_evaluated from ml.ranking_evaluations where model_version = ?",
        [e2e.trained.model_version],
    )
    assert rows == [(result.users_evaluated,)]


def test_sql_psi_agrees_with_python_psi(e2e: EndToEnd) -> None:
    drift = _query(e2e.db, "select feature, psi from marts.rpt_feature_drift order by feature")
    assert any(feature == "score" for feature, _ in drift)
    with duckdb.connect(str(e2e.db), read_only=True) as con:
        for feature, sql_psi in drift:
            if feature == "score":
                sql = (
                    "select split, score from ml.training_set_scores "
                    f"where model_version = {e2e.trained.model_version}"
                )
            else:
                sql = f'select split, cast("{feature}" as double) from marts.feat_training_set'
            rows = con.execute(f"select * from ({sql}) where split in ('train', 'test')").fetchall()
            values = {
                split: np.array([np.nan if v is None else v for s, v in rows if s == split])
                for split in ("train", "test")
            }
            expected = psi(values["train"], values["test"])
            assert sql_psi == pytest.approx(expected, abs=1e-6), feature


def test_sql_daily_roc_auc_agrees_with_sklearn(e2e: EndToEnd) -> None:
    daily = _query(
        e2e.db,
        "select split, impression_date, roc_auc from marts.rpt_model_performance "
        "where model_version = ? and roc_auc is not null",
        [e2e.trained.model_version],
    )
    assert daily
    scores = _query(
        e2e.db,
        "select split, cast(impression_at as date), label, score from ml.training_set_scores "
        "where model_version = ?",
        [e2e.trained.model_version],
    )
    for split, day, sql_auc in daily:
        labels = [label for s, d, label, _ in scores if s == split and d == day]
        predicted = [p for s, d, _, p in scores if s == split and d == day]
        assert sql_auc == pytest.approx(roc_auc_score(labels, predicted), abs=1e-6)


def test_retraining_signal_is_one_row_with_consistent_reasons(e2e: EndToEnd) -> None:
    rows = _query(
        e2e.db,
        "select needs_retraining, drift_alert, features_in_alert, reasons, "
        "current_model_version from marts.rpt_retraining_signal",
    )
    assert len(rows) == 1
    needs, drift_alert, in_alert, reasons, current = rows[0]
    assert current == e2e.trained.model_version
    alerts = _query(e2e.db, "select count(*) from marts.rpt_feature_drift where status = 'alert'")
    assert in_alert == alerts[0][0]
    assert drift_alert == (in_alert > 0)
    assert needs == bool(reasons)
