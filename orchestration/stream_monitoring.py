"""The stream's monitoring cadence: the training set and the reports, every N batches.

A batch takes the hot path (`stream_batch_job`): what stands between new events and
fresh recommendations. The rest of what a batch changes is read only by training and
monitoring, and a full-history pass of it each hour is most of an hour's cost at 10M
events (bench/STREAM.md). So `stream_monitoring_job` folds it in on a cadence:

- dbt's selector `stream_monitoring` (selectors.yml): the training set (its incremental
  rows fold in every change logged since its last run), the data-quality report, and
  the drift, performance and retraining-signal reports;
- the current model's training-set scores (what the reports read) and the ranking
  evaluation.

`stream_monitoring_sensor` asks for it once every SOCIAL_ML_STREAM_MONITOR_EVERY
batches folded in (default 24: a day of hourly batches). `retraining_sensor` reads the
signal it refreshes, so retraining keeps its meaning: a day's drift, not an hour's.
"""

from __future__ import annotations

import json
import os
import time
from datetime import UTC, datetime

from dagster import (
    AssetSelection,
    DagsterRunStatus,
    DefaultSensorStatus,
    RunRequest,
    RunsFilter,
    SensorEvaluationContext,
    SensorResult,
    SkipReason,
    define_asset_job,
    sensor,
)
from dagster_dbt import build_dbt_asset_selection

from orchestration.automation import any_run_unfinished
from orchestration.dbt_assets import monitoring_dbt_assets, warehouse_dbt_assets
from orchestration.ml_assets import EVALUATIONS_KEY, TRAINING_SCORES_KEY
from orchestration.project import raw_data_dir
from orchestration.stream import stream_batch_job

MONITOR_EVERY_ENV = "SOCIAL_ML_STREAM_MONITOR_EVERY"
DEFAULT_MONITOR_EVERY = 24
SENSOR_TAG = {"stream/sensor": "stream_monitoring_sensor"}
RECORD_SLACK_S = 2.0

# The selector spans both dbt steps (the training set and the quality report are in the
# first, the reports over the ml tables in the second).
STREAM_MONITORING_SELECTION = (
    build_dbt_asset_selection([warehouse_dbt_assets], dbt_selector="stream_monitoring")
    | build_dbt_asset_selection([monitoring_dbt_assets], dbt_selector="stream_monitoring")
    | AssetSelection.assets(TRAINING_SCORES_KEY, EVALUATIONS_KEY)
)

stream_monitoring_job = define_asset_job(
    "stream_monitoring_job",
    selection=STREAM_MONITORING_SELECTION,
    description="The stream's cadence: fold the training set in, score it, evaluate, and "
    "refresh the data-quality, drift, performance and retraining-signal reports.",
)


def monitor_every() -> int:
    """Batches between two monitoring runs, from SOCIAL_ML_STREAM_MONITOR_EVERY."""
    text = os.environ.get(MONITOR_EVERY_ENV, "").strip()
    if not text:
        return DEFAULT_MONITOR_EVERY
    if not text.isdigit() or int(text) < 1:
        raise ValueError(
            f"{MONITOR_EVERY_ENV}={text!r}: set it to a whole number of batches >= 1"
            f" (default {DEFAULT_MONITOR_EVERY})"
        )
    return int(text)


def _read_cursor(text: str | None) -> dict:
    """The cursor, or a fresh one counting from now on (`seen` None: count nothing
    before now) when there is none or it is not this sensor's shape (an older
    version's, kept in DAGSTER_HOME): the full refresh that starts a stream builds the
    reports too."""
    try:
        cursor = json.loads(text or "")
        if isinstance(cursor, dict) and {"after", "seen", "batches"} <= cursor.keys():
            return cursor
    except ValueError:
        pass
    return {"after": time.time(), "seen": None, "batches": 0}


@sensor(
    job=stream_monitoring_job,
    minimum_interval_seconds=30,
    # Running by default, like the landing-zone sensor: it acts only on a landing zone.
    default_status=DefaultSensorStatus.RUNNING,
    description="Refreshes the training set and the monitoring reports once every "
    f"{MONITOR_EVERY_ENV} (default {DEFAULT_MONITOR_EVERY}) landing-zone batches folded in.",
)
def stream_monitoring_sensor(context: SensorEvaluationContext) -> SensorResult | SkipReason:
    """Counts the batches the successful `stream_batch_job` runs folded in (their
    `stream/batches` tag), from Dagster's run records, not the warehouse: the stream
    keeps a run in flight nearly all the time, and a sensor reading the warehouse must
    wait for a pause (automation.any_run_unfinished) that a busy stream never makes."""
    if raw_data_dir() is None:
        return SkipReason("SOCIAL_ML_RAW_DIR is not set: there is no landing zone")
    try:
        every = monitor_every()
    except ValueError as exc:
        return SkipReason(str(exc))
    if any_run_unfinished(context, RunsFilter(tags=SENSOR_TAG)):
        return SkipReason("a monitoring run is in flight")
    cursor = _read_cursor(context.cursor)
    # Run records keep whole seconds: look a little earlier than the last run counted,
    # and skip the runs already counted there.
    records = context.instance.get_run_records(
        filters=RunsFilter(
            job_name=stream_batch_job.name,
            statuses=[DagsterRunStatus.SUCCESS],
            updated_after=datetime.fromtimestamp(cursor["after"] - RECORD_SLACK_S, tz=UTC),
        )
    )
    fresh = [r for r in records if cursor["seen"] is not None
             and r.dagster_run.run_id not in cursor["seen"]]  # fmt: skip
    folded = cursor["batches"] + sum(
        int(r.dagster_run.tags.get("stream/batches", "0")) for r in fresh
    )
    after = max([cursor["after"], *(r.update_timestamp.timestamp() for r in records)])
    seen = [r.dagster_run.run_id for r in records
            if r.update_timestamp.timestamp() >= after - RECORD_SLACK_S]  # fmt: skip
    if folded < every:
        return SensorResult(
            skip_reason=f"{folded} of {every} batches folded in since the last monitoring run",
            cursor=json.dumps({"after": after, "seen": seen, "batches": folded}),
        )
    return SensorResult(
        run_requests=[RunRequest(run_key=f"stream-monitoring-{after}", tags=SENSOR_TAG)],
        cursor=json.dumps({"after": after, "seen": seen, "batches": 0}),
    )
