"""The stream in Dagster: a sensor on the landing zone, the job that folds new batches in,
and the freshness figures shown on the staged-events asset.

- `landing_zone_sensor` looks at SOCIAL_ML_RAW_DIR when it is a landing zone (events as
  batch files in raw_events/; docs/raw_data_contract.md). Batches landed but not staged
  yet are pending; one run per tick folds in all of them (a late, out-of-order batch
  included), and the cursor is the last batch requested.
- `stream_batch_job` is the hot path, dbt's selector `stream_batch` (selectors.yml) and
  the scores: dbt's incremental models stage only the new batches and recompute what they
  touch, then the current model rescores the candidates and recommends. The training set
  and the reports wait for `stream_monitoring_job` (orchestration/stream_monitoring.py).
  Until a model is registered the sensor asks for `full_refresh_job`, which trains one.
  The retraining sensor keeps deciding when to retrain.
- `stream_backfill_job` is the same graph partitioned by ingestion day (a batch's day is
  that of its earliest ingested_at): backfilling a day from the UI stages that day's
  batches again and folds them in like new ones. The sensor adds a partition for each
  day it sees staged.
"""

from __future__ import annotations

import json
from pathlib import Path

import duckdb
from dagster import (
    AssetSelection,
    DefaultSensorStatus,
    DynamicPartitionsDefinition,
    PartitionedConfig,
    RunRequest,
    SensorEvaluationContext,
    SensorResult,
    SkipReason,
    define_asset_job,
    sensor,
)
from dagster_dbt import build_dbt_asset_selection

from orchestration.automation import any_run_unfinished, full_refresh_job
from orchestration.dbt_assets import warehouse_dbt_assets
from orchestration.ml_assets import PREDICTIONS_KEY, RECOMMENDATIONS_KEY
from orchestration.project import raw_data_dir, warehouse_path
from orchestration.serving_assets import SNAPSHOT_KEY
from orchestration.stream_freshness import VALIDATED
from stream.landing import LandingZone

# The dbt half is the `stream_batch` selector, so `dbt build --selector stream_batch`
# from a shell does what the job's dbt step does.
STREAM_SELECTION = build_dbt_asset_selection(
    [warehouse_dbt_assets], dbt_selector="stream_batch"
) | AssetSelection.assets(PREDICTIONS_KEY, RECOMMENDATIONS_KEY, SNAPSHOT_KEY)
INGESTION_DAYS = DynamicPartitionsDefinition(name="ingestion_days")

stream_batch_job = define_asset_job(
    "stream_batch_job",
    selection=STREAM_SELECTION,
    description="Fold the new landing-zone batches in (incremental dbt, selector stream_batch),"
    " rescore the candidates, recommend, publish the serving snapshot.",
)


def restage_day_config(day: str) -> dict:
    """Run config of a backfill: dbt's stream_restage_day var on its dbt step (the hot
    path has one: the reports' step is the monitoring job's)."""
    settings = {"config": {"vars": json.dumps({"stream_restage_day": day})}}
    return {"ops": {warehouse_dbt_assets.op.name: settings}}


stream_backfill_job = define_asset_job(
    "stream_backfill_job",
    selection=STREAM_SELECTION,
    config=PartitionedConfig(
        partitions_def=INGESTION_DAYS, run_config_for_partition_key_fn=restage_day_config
    ),
    description="Backfill an ingestion day: stage its landed batches again, fold them in, rescore.",
)


def staged_batches(db_path: Path) -> dict[str, str] | None:
    """The batch ids the warehouse has staged, each with its ingestion day (of its
    earliest ingested_at, YYYY-MM-DD; None when no row's parsed); None when it has no
    staged events yet.

    Read-only: a sensor must never take DuckDB's writer lock."""
    if not db_path.exists():
        return None
    con = duckdb.connect(str(db_path), read_only=True)
    try:
        rows = con.execute(
            f"select batch_id, cast(min(ingested_at) as date) from {VALIDATED} group by batch_id"
        ).fetchall()
    except duckdb.CatalogException:
        return None
    finally:
        con.close()
    return {batch: day.isoformat() if day else None for batch, day in rows}


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


def _new_day_partitions(context: SensorEvaluationContext, staged: dict[str, str | None]) -> list:
    """A request adding the ingestion days staged but not yet partitions of the backfill job."""
    known = set(context.instance.get_dynamic_partitions(INGESTION_DAYS.name))
    days = sorted({day for day in staged.values() if day} - known)
    return [INGESTION_DAYS.build_add_request(days)] if days else []


@sensor(
    jobs=[stream_batch_job, full_refresh_job],
    minimum_interval_seconds=5,
    # Running by default: it only acts when SOCIAL_ML_RAW_DIR is a landing zone.
    default_status=DefaultSensorStatus.RUNNING,
    description="Folds each new batch of the landing zone (SOCIAL_ML_RAW_DIR/raw_events/) in,"
    " and adds each staged ingestion day as a partition of stream_backfill_job.",
)
def landing_zone_sensor(context: SensorEvaluationContext) -> SensorResult | SkipReason:
    directory = raw_data_dir()
    if directory is None:
        return SkipReason("SOCIAL_ML_RAW_DIR is not set: there is no landing zone")
    landed = LandingZone(directory).batch_ids()
    if not landed:
        return SkipReason(f"no event batches in {directory / 'raw_events'} yet")
    # Like one consumer of a topic, a run takes everything landed when it starts, instead
    # of queueing a run a batch; and the warehouse is not read while a run may write it.
    if any_run_unfinished(context):
        return SkipReason("a run is in flight: the next one folds in what has landed by then")
    db_path = warehouse_path()
    try:
        staged = staged_batches(db_path)
        trained = staged is not None and has_current_model(db_path)
    except duckdb.IOException as exc:  # a run holds the writer lock: try next tick
        return SkipReason(f"warehouse busy: {exc}")
    days = _new_day_partitions(context, staged or {})
    pending = [b for b in landed if staged is None or b not in staged]
    if not pending:
        reason = f"all {len(landed)} landed batches are staged"
        return SensorResult(skip_reason=reason, dynamic_partitions_requests=days)
    last = pending[-1]
    if last == context.cursor and staged is not None:
        reason = f"a run for batches up to {last} is already requested"
        return SensorResult(skip_reason=reason, dynamic_partitions_requests=days)
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
        dynamic_partitions_requests=days,
    )
