"""The stream in Dagster: a sensor on the landing zone, the job that folds new batches in,
and the freshness figures shown on the staged-events asset.

- `landing_zone_sensor` looks at SOCIAL_ML_RAW_DIR when it is a landing zone (events as
  batch files in raw_events/; docs/raw_data_contract.md). Batches landed but not staged
  yet are pending; one run per tick folds in all of them (a late, out-of-order batch
  included), and the cursor is the last batch requested.
- `stream_batch_job` is the whole graph but training: dbt's incremental models stage only
  the new batches and recompute what they touch, then the current model rescores and
  recommends. Until a model is registered the sensor asks for `full_refresh_job`, which
  trains one. The retraining sensor keeps deciding when to retrain.
"""

from __future__ import annotations

from pathlib import Path

import duckdb
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

from orchestration.automation import full_refresh_job
from orchestration.ml_assets import MODEL_KEY
from orchestration.project import raw_data_dir, warehouse_path
from orchestration.stream_freshness import VALIDATED
from stream.landing import LandingZone

stream_batch_job = define_asset_job(
    "stream_batch_job",
    selection=AssetSelection.all() - AssetSelection.assets(MODEL_KEY),
    description="Fold the new landing-zone batches in (incremental dbt), rescore, recommend.",
)


def staged_batches(db_path: Path) -> set[str] | None:
    """Batch ids the warehouse has staged; None when it has no staged events yet.

    Read-only: a sensor must never take DuckDB's writer lock."""
    if not db_path.exists():
        return None
    con = duckdb.connect(str(db_path), read_only=True)
    try:
        return {b for (b,) in con.execute(f"select distinct batch_id from {VALIDATED}").fetchall()}
    except duckdb.CatalogException:
        return None
    finally:
        con.close()


def has_current_model(db_path: Path) -> bool:
    con = duckdb.connect(str(db_path), read_only=True)
    try:
        found = con.execute(
            "select count(*) from ml.model_registry where passed_quality_gate"
        ).fetchone()
    except duckdb.CatalogException:
        return False
    finally:
        con.close()
    return bool(found and found[0])


def _stream_run_in_flight(context: SensorEvaluationContext) -> bool:
    """Whether a run this sensor asked for has not finished: like one consumer of a topic,
    the loop takes everything landed when it starts, instead of queueing a run a batch."""
    runs = context.instance.get_runs(
        filters=RunsFilter(
            tags={"stream/sensor": "landing_zone_sensor"},
            statuses=[DagsterRunStatus.QUEUED, DagsterRunStatus.NOT_STARTED,
                      DagsterRunStatus.STARTING, DagsterRunStatus.STARTED],
        ),
        limit=1,
    )
    return bool(runs)


@sensor(
    jobs=[stream_batch_job, full_refresh_job],
    minimum_interval_seconds=5,
    # Running by default: it only acts when SOCIAL_ML_RAW_DIR is a landing zone.
    default_status=DefaultSensorStatus.RUNNING,
    description="Folds each new batch of the landing zone (SOCIAL_ML_RAW_DIR/raw_events/) in.",
)
def landing_zone_sensor(context: SensorEvaluationContext) -> SensorResult | SkipReason:
    directory = raw_data_dir()
    if directory is None:
        return SkipReason("SOCIAL_ML_RAW_DIR is not set: there is no landing zone")
    landed = LandingZone(directory).batch_ids()
    if not landed:
        return SkipReason(f"no event batches in {directory / 'raw_events'} yet")
    if _stream_run_in_flight(context):
        return SkipReason("a stream run is in flight: it folds in what has landed by its start")
    db_path = warehouse_path()
    try:
        staged = staged_batches(db_path)
        trained = staged is not None and has_current_model(db_path)
    except duckdb.IOException as exc:  # a run holds the writer lock: try next tick
        return SkipReason(f"warehouse busy: {exc}")
    pending = [b for b in landed if staged is None or b not in staged]
    if not pending:
        return SkipReason(f"all {len(landed)} landed batches are staged")
    last = pending[-1]
    if last == context.cursor and staged is not None:
        return SkipReason(f"a run for batches up to {last} is already requested")
    job = stream_batch_job if trained else full_refresh_job
    return SensorResult(
        run_requests=[
            RunRequest(
                run_key=f"stream-{last}",
                job_name=job.name,
                tags={"stream/sensor": "landing_zone_sensor", "stream/first_batch": pending[0],
                      "stream/last_batch": last, "stream/batches": str(len(pending))},
            )
        ],
        cursor=last,
    )
