"""The stream's two paths (issue 13): per batch, the hot path to fresh recommendations
(dbt selector stream_batch, the candidates' scores); on a cadence, the training set and
the reports (selector stream_monitoring, the training set's scores, the evaluation)."""

from __future__ import annotations

import json
import time
import uuid
from pathlib import Path

import duckdb
import pyarrow as pa
import pytest
from conftest import private_dbt_target
from dagster import (
    AssetKey,
    DagsterInstance,
    SkipReason,
    materialize,
)
from dagster._core.storage.dagster_run import DagsterRun, DagsterRunStatus
from stream_replay import fake_staged_warehouse, landing_zone, sample_events, sensor_context

from ml.db import connect
from ml.synthetic import build_synthetic_warehouse
from ml.train import train
from orchestration.automation import retraining_sensor
from orchestration.definitions import build_definitions, defs
from orchestration.ml_assets import (
    PREDICTIONS_KEY,
    RECOMMENDATIONS_KEY,
    TRAINING_SCORES_KEY,
    batch_scores,
)
from orchestration.project import load_manifest
from orchestration.resources import WarehouseResource
from orchestration.stream import landing_zone_sensor
from orchestration.stream_monitoring import MONITOR_EVERY_ENV, stream_monitoring_sensor
from stream.batching import Batch, split_by_period
from stream.landing import LandingZone

pytestmark = pytest.mark.long

STAGED_EVENTS = "model.social_ml.stg_social__events_validated"


def _job_assets(name: str) -> set[str]:
    graph = defs.resolve_job_def(name).asset_layer.asset_graph
    return {k.to_user_string() for k in graph.get_all_asset_keys() if graph.get(k).is_executable}


def _downstream_models(unique_id: str) -> set[str]:
    """The models and seeds below `unique_id` in dbt's graph, by name."""
    children = load_manifest()["child_map"]
    seen: set[str] = set()
    todo = [unique_id]
    while todo:
        for child in children.get(todo.pop(), []):
            if child not in seen:
                seen.add(child)
                todo.append(child)
    return {c.split(".")[-1] for c in seen if c.split(".")[0] in ("model", "seed")}


def test_every_model_a_batch_changes_is_on_exactly_one_path() -> None:
    hot, cadence = _job_assets("stream_batch_job"), _job_assets("stream_monitoring_job")
    assert not hot & cadence, hot & cadence
    changed = _downstream_models(STAGED_EVENTS) | {"stg_social__events_validated"}
    assert changed <= hot | cadence, changed - hot - cadence
    # The hot path ends in fresh recommendations and never trains.
    assert {"raw_events", "feat_scoring_candidates", "ml/predictions", "ml/recommendations"} <= hot
    assert not {"ml/model_registry", "ml/training_set_scores", "feat_training_set"} & hot
    # Whole-file tables are not downstream of new events: neither path rebuilds them.
    assert not {"stg_social__users_validated", "stg_social__follows_validated"} & (hot | cadence)
    assert {"feat_training_set", "rpt_retraining_signal", "rpt_feature_drift",
            "ml/training_set_scores", "ml/evaluations"} <= cadence  # fmt: skip


def _folded(instance: DagsterInstance, batches: int, status=DagsterRunStatus.SUCCESS) -> None:
    """A stream_batch_job run, as the landing-zone sensor tags it."""
    instance.add_run(DagsterRun(job_name="stream_batch_job", run_id=f"run-{uuid.uuid4()}",
                                status=status, tags={"stream/batches": str(batches)}))  # fmt: skip


def test_monitoring_runs_once_every_n_batches_folded(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.delenv("SOCIAL_ML_RAW_DIR", raising=False)
    assert isinstance(stream_monitoring_sensor(sensor_context()), SkipReason)
    monkeypatch.setenv("SOCIAL_ML_RAW_DIR", str(tmp_path / "landing"))
    monkeypatch.setenv(MONITOR_EVERY_ENV, "3")
    instance = DagsterInstance.ephemeral()

    def tick(cursor: str | None):
        return stream_monitoring_sensor(sensor_context(cursor=cursor, instance=instance))

    _folded(instance, 5)  # before the stream started: the full refresh covered it
    # The first look counts from now: the full refresh that starts a stream built the reports.
    first = tick(None)
    assert not first.run_requests and json.loads(first.cursor)["batches"] == 0
    # So does a cursor it cannot read (an older version's, kept in DAGSTER_HOME).
    assert json.loads(tick('{"staged_batches": 519}').cursor)["batches"] == 0
    time.sleep(0.01)
    _folded(instance, 1)
    _folded(instance, 1)
    _folded(instance, 7, status=DagsterRunStatus.FAILURE)  # folded nothing
    # A batch run in flight does not hold the count back (the stream nearly always has one).
    _folded(instance, 4, status=DagsterRunStatus.STARTED)
    second = tick(first.cursor)
    assert not second.run_requests and json.loads(second.cursor)["batches"] == 2
    assert tick(second.cursor).run_requests == []  # nothing new: counted once
    time.sleep(0.01)
    _folded(instance, 1)
    due = tick(second.cursor)
    [request] = due.run_requests
    assert request.tags == {"stream/sensor": "stream_monitoring_sensor"}
    assert json.loads(due.cursor)["batches"] == 0


@pytest.mark.parametrize("sensor", [landing_zone_sensor, retraining_sensor])
def test_no_sensor_reads_the_warehouse_while_a_run_is_unfinished(
    tmp_path: Path, monkeypatch, sensor
) -> None:
    """Found by `make stream`: a sensor's read-only connection locks the DuckDB file too,
    and a run opening it for writing at that moment failed. (The monitoring sensor reads
    run records, not the warehouse.)"""
    zone = LandingZone(tmp_path / "landing")
    zone.land(Batch("20261001T0000Z", pa.table({"event_id": ["e1"]})))
    db = tmp_path / "warehouse.duckdb"
    fake_staged_warehouse(db, ["20261001T0000Z"], trained=True)
    monkeypatch.setenv("SOCIAL_ML_RAW_DIR", str(zone.root))
    monkeypatch.setenv("SOCIAL_ML_DB", str(db))
    instance = DagsterInstance.ephemeral()
    instance.add_run(DagsterRun(job_name="stream_batch_job", run_id="in-flight",
                                status=DagsterRunStatus.STARTED))  # fmt: skip
    result = sensor(sensor_context(instance=instance))
    assert isinstance(result, SkipReason) and "a run is in flight" in result.skip_message


@pytest.mark.parametrize("setting", ["0", "daily", "-2"])
def test_a_bad_cadence_says_what_to_set(tmp_path: Path, monkeypatch, setting: str) -> None:
    monkeypatch.setenv("SOCIAL_ML_RAW_DIR", str(tmp_path))
    monkeypatch.setenv(MONITOR_EVERY_ENV, setting)
    result = stream_monitoring_sensor(sensor_context())
    assert isinstance(result, SkipReason)
    assert f"{MONITOR_EVERY_ENV}='{setting}'" in result.skip_message
    assert "whole number of batches >= 1" in result.skip_message


def test_the_hot_path_scores_the_candidates_and_leaves_the_training_set(tmp_path: Path) -> None:
    db = build_synthetic_warehouse(tmp_path / "warehouse.duckdb")
    train(db, tmp_path / "models")
    warehouse = WarehouseResource(db_path=str(db), models_dir=str(tmp_path / "models"))

    hot = materialize([batch_scores], selection=[PREDICTIONS_KEY, RECOMMENDATIONS_KEY],
                      resources={"warehouse": warehouse})  # fmt: skip
    assert hot.success
    done = {e.asset_key for e in hot.get_asset_materialization_events()}
    assert done == {PREDICTIONS_KEY, RECOMMENDATIONS_KEY}
    with connect(db, read_only=True) as con:
        assert con.execute("select count(*) from ml.recommendations").fetchone()[0] > 0
        assert con.execute("select count(*) from ml.training_set_scores").fetchone()[0] == 0

    cadence = materialize([batch_scores], selection=[TRAINING_SCORES_KEY],
                          resources={"warehouse": warehouse})  # fmt: skip
    assert {e.asset_key for e in cadence.get_asset_materialization_events()} == {
        AssetKey(["ml", "training_set_scores"])
    }
    with connect(db, read_only=True) as con:
        training = con.execute("select count(*) from marts.feat_training_set").fetchone()[0]
        assert con.execute("select count(*) from ml.training_set_scores").fetchone()[0] == training


def _materialised(result) -> set[str]:
    return {e.asset_key.to_user_string() for e in result.get_asset_materialization_events()}


def test_a_batch_then_a_monitoring_run_through_dagster(tmp_path: Path, monkeypatch) -> None:
    """The jobs the sensors launch, run for real on a landing zone of the sample: the
    full refresh on the first weeks, the hot path on the last week and its late arrivals
    (it touches nothing but its assets: the training set and its scores wait), then the
    monitoring run."""
    batches = split_by_period(sample_events(), minutes=7 * 24 * 60)
    history, tail = batches[:-2], batches[-2:]
    zone = landing_zone(tmp_path / "landing")
    for batch in history:
        zone.land(batch)
    db = tmp_path / "warehouse.duckdb"
    monkeypatch.setenv("SOCIAL_ML_RAW_DIR", str(zone.root))
    monkeypatch.setenv("SOCIAL_ML_DB", str(db))
    monkeypatch.setenv("SOCIAL_ML_MODELS_DIR", str(tmp_path / "models"))
    private_dbt_target(monkeypatch, db, tmp_path)
    definitions = build_definitions()

    def run(job: str):
        with DagsterInstance.ephemeral() as instance:
            result = definitions.resolve_job_def(job).execute_in_process(
                instance=instance, raise_on_error=False
            )
        failed = [e.step_key for e in result.all_events if e.is_step_failure]
        assert result.success, f"{job}: failed steps {failed}"
        return result

    def counts() -> tuple[int, int, int]:
        con = duckdb.connect(str(db), read_only=True)
        try:
            return tuple(con.execute(
                "select (select count(distinct batch_id)"
                " from staging.stg_social__events_validated),"
                " (select count(*) from marts.feat_training_set),"
                " (select count(*) from ml.training_set_scores)"
            ).fetchone())
        finally:
            con.close()

    run("full_refresh_job")
    staged, training_rows, scored = counts()
    assert staged == len(history) and scored == training_rows > 0

    for batch in tail:
        zone.land(batch)
    hot = run("stream_batch_job")
    assert _materialised(hot) == _job_assets("stream_batch_job")
    assert counts() == (len(batches), training_rows, scored)

    monitoring = run("stream_monitoring_job")
    assert _materialised(monitoring) == _job_assets("stream_monitoring_job")
    _, folded, rescored = counts()
    # The last week's impressions reach the training set (as labelled or test rows).
    assert folded > training_rows and rescored == folded
