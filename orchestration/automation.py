"""Jobs, the daily schedule and the sensors that keep the graph fresh.

- `full_refresh_job` rebuilds everything: raw -> marts -> ml -> reporting.
- `retrain_job` retrains, rescores, re-evaluates and refreshes the reports.
- `retraining_sensor` reads the monitoring signal the dbt reports compute and
  asks for one retrain per new signal (the signal's fingerprint is the cursor).
- `raw_files_sensor` watches the bring-your-own-data directory and asks for a
  full refresh (`dbt build --full-refresh`) when the set of raw files or their
  modification times change (a landing zone's event batches are the stream
  sensor's: orchestration/stream.py).
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import duckdb
from dagster import (
    AssetSelection,
    DagsterRunStatus,
    DefaultScheduleStatus,
    DefaultSensorStatus,
    RunRequest,
    RunsFilter,
    ScheduleDefinition,
    SensorEvaluationContext,
    SensorResult,
    SkipReason,
    define_asset_job,
    sensor,
)

from orchestration.project import raw_data_dir, warehouse_path

ML_GROUPS = ("ml", "serving")
DBT_ASSET_OPS = ("warehouse_dbt_assets", "monitoring_dbt_assets")
RETRAINING_SIGNAL_RELATION = "marts.rpt_retraining_signal"

full_refresh_job = define_asset_job(
    "full_refresh_job",
    selection=AssetSelection.all(),
    description="Rebuild the whole graph: raw seeds or files -> marts -> ml -> reporting.",
)

retrain_job = define_asset_job(
    "retrain_job",
    selection=AssetSelection.groups(*ML_GROUPS) | AssetSelection.groups("monitoring"),
    description="Retrain, register, rescore, re-evaluate and refresh the monitoring reports.",
)

daily_full_refresh = ScheduleDefinition(
    name="daily_full_refresh",
    job=full_refresh_job,
    cron_schedule="0 3 * * *",
    execution_timezone="UTC",
    default_status=DefaultScheduleStatus.STOPPED,
)


UNFINISHED = [DagsterRunStatus.QUEUED, DagsterRunStatus.NOT_STARTED,
              DagsterRunStatus.STARTING, DagsterRunStatus.STARTED]  # fmt: skip


def any_run_unfinished(context: SensorEvaluationContext, *filters: RunsFilter) -> bool:
    """Whether a run matching any of `filters` (any run, given none) has not finished.

    The sensors that read the warehouse skip a tick while any run is unfinished: even a
    read-only DuckDB connection locks the file, so a read at the moment a run opens it
    for writing would fail that run."""
    return any(
        context.instance.get_runs(
            filters=RunsFilter(job_name=f.job_name, tags=f.tags, statuses=UNFINISHED), limit=1
        )
        for f in (filters or (RunsFilter(),))
    )


def read_retraining_signal(db_path: Path) -> dict[str, object] | None:
    """The monitoring signal row, or None when the warehouse has none yet.

    Opens the file read-only: a sensor must never take DuckDB's writer lock."""
    if not db_path.exists():
        return None
    con = duckdb.connect(str(db_path), read_only=True)
    try:
        cursor = con.execute(f"select * from {RETRAINING_SIGNAL_RELATION}")
        columns = [d[0] for d in cursor.description]
        row = cursor.fetchone()
    except duckdb.CatalogException:
        return None
    finally:
        con.close()
    return dict(zip(columns, row, strict=True)) if row else None


def signal_fingerprint(signal: dict[str, object]) -> str:
    """A stable id for one signal, so the same signal never triggers twice."""
    payload = json.dumps(signal, sort_keys=True, default=str)
    return hashlib.sha256(payload.encode()).hexdigest()[:16]


@sensor(
    job=retrain_job,
    minimum_interval_seconds=300,
    default_status=DefaultSensorStatus.STOPPED,
    description="Launches one retrain when rpt_retraining_signal says needs_retraining.",
)
def retraining_sensor(context: SensorEvaluationContext) -> SensorResult | SkipReason:
    if any_run_unfinished(context):
        return SkipReason("a run is in flight: the signal is read once it has finished")
    try:
        signal = read_retraining_signal(warehouse_path())
    except duckdb.IOException as exc:  # a run holds the writer lock: try next tick
        return SkipReason(f"warehouse busy: {exc}")
    if signal is None:
        return SkipReason(f"no {RETRAINING_SIGNAL_RELATION} yet")
    if not signal.get("needs_retraining"):
        return SkipReason("monitoring says the current model is fine")
    fingerprint = signal_fingerprint(signal)
    if fingerprint == context.cursor:
        return SkipReason(f"signal {fingerprint} already handled")
    return SensorResult(
        run_requests=[RunRequest(run_key=f"retrain-{fingerprint}", tags={"signal": fingerprint})],
        cursor=fingerprint,
    )


def raw_files_fingerprint(directory: Path) -> str:
    """Names, sizes and modification times of the raw_* files in `directory`."""
    entries = sorted(
        (p.name, p.stat().st_size, p.stat().st_mtime_ns)
        for p in directory.glob("raw_*")
        if p.is_file()
    )
    return hashlib.sha256(json.dumps(entries).encode()).hexdigest()[:16]


@sensor(
    job=full_refresh_job,
    minimum_interval_seconds=60,
    default_status=DefaultSensorStatus.STOPPED,
    description="Launches a full refresh when files in SOCIAL_ML_RAW_DIR change.",
)
def raw_files_sensor(context: SensorEvaluationContext) -> SensorResult | SkipReason:
    directory = raw_data_dir()
    if directory is None:
        return SkipReason("SOCIAL_ML_RAW_DIR is not set: the seeds are the input")
    if not directory.is_dir():
        return SkipReason(f"{directory} does not exist")
    fingerprint = raw_files_fingerprint(directory)
    if fingerprint == context.cursor:
        return SkipReason("no new raw files")
    # A changed whole-file table is a change of history: incremental models rebuild.
    full_refresh = {"config": {"full_refresh": True}}
    run_config = {"ops": {name: full_refresh for name in DBT_ASSET_OPS}}
    return SensorResult(
        run_requests=[RunRequest(run_key=f"raw-{fingerprint}", run_config=run_config)],
        cursor=fingerprint,
    )
