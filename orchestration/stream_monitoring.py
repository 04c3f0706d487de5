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
batches staged (default 24: a day of hourly batches). `retraining_sensor` reads the
signal it refreshes, so retraining keeps its meaning: a day's drift, not an hour's.
"""

from __future__ import annotations

import json
import os

import duckdb
from dagster import (
    AssetSelection,
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

from orchestration.dbt_assets import monitoring_dbt_assets, warehouse_dbt_assets
from orchestration.ml_assets import EVALUATIONS_KEY, TRAINING_SCORES_KEY
from orchestration.project import raw_data_dir, warehouse_path
from orchestration.stream import any_run_unfinished, staged_batches

MONITOR_EVERY_ENV = "SOCIAL_ML_STREAM_MONITOR_EVERY"
DEFAULT_MONITOR_EVERY = 24
SENSOR_TAG = {"stream/sensor": "stream_monitoring_sensor"}

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


@sensor(
    job=stream_monitoring_job,
    minimum_interval_seconds=30,
    # Running by default, like the landing-zone sensor: it acts only on a landing zone.
    default_status=DefaultSensorStatus.RUNNING,
    description="Refreshes the training set and the monitoring reports once every "
    f"{MONITOR_EVERY_ENV} (default {DEFAULT_MONITOR_EVERY}) landing-zone batches staged.",
)
def stream_monitoring_sensor(context: SensorEvaluationContext) -> SensorResult | SkipReason:
    if raw_data_dir() is None:
        return SkipReason("SOCIAL_ML_RAW_DIR is not set: there is no landing zone")
    try:
        every = monitor_every()
    except ValueError as exc:
        return SkipReason(str(exc))
    if any_run_unfinished(context, RunsFilter(tags=SENSOR_TAG)):
        return SkipReason("a monitoring run is in flight")
    try:
        staged = staged_batches(warehouse_path())
    except duckdb.IOException as exc:  # a run holds the writer lock: try next tick
        return SkipReason(f"warehouse busy: {exc}")
    if not staged:
        return SkipReason("no batch is staged yet")
    count = len(staged)
    # The first look only takes the measure: the full refresh that staged these
    # batches built the reports too.
    last = json.loads(context.cursor)["staged_batches"] if context.cursor else None
    cursor = json.dumps({"staged_batches": count})
    if last is None:
        return SensorResult(skip_reason=f"{count} batches staged: counting from here",
                            cursor=cursor)  # fmt: skip
    if count - last < every:
        return SkipReason(f"{count - last} of {every} batches staged since the last monitoring run")
    return SensorResult(
        run_requests=[RunRequest(run_key=f"stream-monitoring-{count}", tags=SENSOR_TAG)],
        cursor=cursor,
    )
