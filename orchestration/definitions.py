"""The Dagster code location: a thin loader over the modules that define things."""

from __future__ import annotations

from dagster import Definitions, in_process_executor

from orchestration.automation import (
    daily_full_refresh,
    full_refresh_job,
    raw_files_sensor,
    retrain_job,
    retraining_sensor,
)
from orchestration.dbt_assets import monitoring_dbt_assets, warehouse_dbt_assets
from orchestration.ml_assets import ml_assets
from orchestration.project import load_manifest
from orchestration.resources import build_resources
from orchestration.serving_assets import serving_assets
from orchestration.stream import landing_zone_sensor, stream_backfill_job, stream_batch_job
from orchestration.stream_monitoring import stream_monitoring_job, stream_monitoring_sensor
from orchestration.translator import raw_source_specs


def build_definitions() -> Definitions:
    """Definitions with resources resolved from the environment now (tests call this
    after pointing SOCIAL_ML_DB and SOCIAL_ML_MODELS_DIR at a temporary place)."""
    # DuckDB allows one writing process per file: the in-process executor runs every
    # step of a run in one process, one at a time, and the `duckdb_writer` pool on
    # each asset keeps separate runs from writing at once (limit set in dagster.yaml).
    return Definitions(
        assets=[
            *raw_source_specs(load_manifest()),
            warehouse_dbt_assets,
            *ml_assets,
            *serving_assets,
            monitoring_dbt_assets,
        ],
        jobs=[full_refresh_job, retrain_job, stream_batch_job, stream_backfill_job,
              stream_monitoring_job],
        schedules=[daily_full_refresh],
        sensors=[retraining_sensor, raw_files_sensor, landing_zone_sensor,
                 stream_monitoring_sensor],
        resources=build_resources(),
        executor=in_process_executor,
    )


defs = build_definitions()
