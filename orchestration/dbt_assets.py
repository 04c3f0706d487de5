"""Every dbt node as a Dagster asset, split in two runs of `dbt build`.

`warehouse_dbt_assets` covers raw seeds through the feature and similarity marts;
`monitoring_dbt_assets` covers the reporting models that read what the ml assets
wrote. Splitting them keeps each dbt invocation a plain `dbt build` while the ml
Python assets sit between the two in the graph."""

import contextlib
import io
import os
import sys
from collections.abc import Iterator
from typing import Any, TextIO

import duckdb
from dagster import AssetExecutionContext, AssetMaterialization, Config, Failure, Output
from dagster_dbt import DbtCliInvocation, DbtCliResource, dbt_assets

from orchestration.dbt_failures import dbt_failure_message, dbt_stopped_message
from orchestration.engine import (
    engine,
    exchange_folder,
    export_ml_tables,
    import_built_relations,
    spark_dbt_env,
)
from orchestration.project import dbt_project, load_manifest, raw_data_dir, warehouse_path
from orchestration.stream_freshness import freshness_metadata
from orchestration.translator import SocialMlTranslator
from stream.landing import LandingZone

MONITORING_SELECTION = "path:models/marts/monitoring"
STAGED_EVENTS = "model.social_ml.stg_social__events_validated"
# "buildable": a test runs only when every node it reads is selected or upstream of
# the selection, so materialising a subset never tests tables it did not build.
# Unit tests check SQL logic on fixed fixtures, not the data, so they belong to
# `make test` (CI), not to every production build (dbt's own recommendation).
PIPELINE_BUILD_ARGS = [
    "build",
    "--indirect-selection",
    "buildable",
    "--exclude-resource-type",
    "unit_test",
]
translator = SocialMlTranslator()


class DbtSettings(Config):
    """Run config for the dbt steps: dbt vars (YAML or JSON text, as `dbt --vars`
    takes) that override dbt_project.yml for this run only, e.g. from
    `make run VARS='{test_days: 30}'` or the launchpad in the Dagster UI."""

    vars: str = ""
    # `dbt build --full-refresh`: incremental models rebuild from all raw input (the
    # raw-files sensor sets it when a whole-file table changes under a landing zone).
    full_refresh: bool = False


class _KeepLines(io.TextIOBase):
    """Passes writes on to `target` and keeps the last `keep` lines: dagster-dbt prints
    the lines of dbt's output that are not JSON events (its words when it stops before
    running anything) to stdout and keeps them nowhere else."""

    def __init__(self, target: TextIO, keep: int = 50) -> None:
        self._target = target
        self._keep = keep
        self.lines: list[str] = []

    def write(self, text: str) -> int:
        self._target.write(text)
        self.lines = [*self.lines, *text.splitlines()][-self._keep:]
        return len(text)

    def flush(self) -> None:
        self._target.flush()


def _relation_names() -> dict[str, str]:
    """dbt unique_id -> the fully qualified relation it builds."""
    manifest = load_manifest()
    return {
        unique_id: node["relation_name"]
        for unique_id, node in {**manifest["nodes"], **manifest["sources"]}.items()
        if node.get("relation_name")
    }


def _row_count(con: duckdb.DuckDBPyConnection, relation: str) -> int | None:
    try:
        row = con.execute(f"select count(*) from {relation}").fetchone()
    except duckdb.Error:
        return None
    return int(row[0]) if row else None


def _build_with_row_counts(
    context: AssetExecutionContext, dbt: DbtCliResource, settings: DbtSettings
) -> Iterator[Any]:
    """Run `dbt build` for the selected nodes, then attach row counts.

    DuckDB lets one process hold the file while dbt writes it, so row counts
    are read after dbt has finished rather than while it streams events."""
    args = [
        *PIPELINE_BUILD_ARGS,
        *(["--vars", settings.vars] if settings.vars.strip() else []),
        *(["--full-refresh"] if settings.full_refresh else []),
    ]
    db_path = warehouse_path()
    on_spark = engine() == "spark"
    if on_spark:
        folder = exchange_folder()
        export_ml_tables(db_path, folder)
        os.environ.update(spark_dbt_env(folder))
    invocation = dbt.cli(args, context=context, raise_on_error=False)
    output = _KeepLines(sys.stdout)
    with contextlib.redirect_stdout(output):
        events = list(invocation.stream())
    if on_spark:
        copied = import_built_relations(db_path, folder)
        context.log.info(f"{len(copied)} relations built on Spark copied to {db_path}")
    relations = _relation_names()
    invocation_id = _invocation_id(invocation)
    # dbt may stop before it creates the warehouse (e.g. unreadable --vars).
    con = duckdb.connect(str(db_path), read_only=True) if db_path.exists() else None
    try:
        for event in events:
            if con is not None and isinstance(event, Output | AssetMaterialization):
                unique_id = event.metadata.get("unique_id")
                relation = relations.get(str(unique_id.value)) if unique_id else None
                count = _row_count(con, relation) if relation else None
                if count is not None:
                    event = event.with_metadata({**event.metadata, "dagster/row_count": count})
                if unique_id and str(unique_id.value) == STAGED_EVENTS and invocation_id:
                    event = event.with_metadata(
                        {**event.metadata, **_freshness(con, invocation_id)}
                    )
            yield event
        failure = (
            None if invocation.is_successful() else _build_failure(invocation, con, output.lines)
        )
    finally:
        if con is not None:
            con.close()
    # Raised after the events are out, so failed dbt tests still reach Dagster as
    # failed (blocking) asset checks and the step fails, skipping everything downstream.
    if failure is not None:
        raise failure


def _invocation_id(invocation: DbtCliInvocation) -> str | None:
    """The dbt invocation id: the load_id of the events rows this build staged."""
    try:
        return invocation.get_artifact("run_results.json")["metadata"]["invocation_id"]
    except (OSError, ValueError, KeyError):
        return None


def _freshness(con: duckdb.DuckDBPyConnection, invocation_id: str) -> dict[str, Any]:
    directory = raw_data_dir()
    zone = LandingZone(directory) if directory is not None else None
    try:
        return freshness_metadata(con, invocation_id, zone if zone and zone.batch_ids() else None)
    except duckdb.Error:
        return {}


def _build_failure(
    invocation: DbtCliInvocation,
    con: duckdb.DuckDBPyConnection | None,
    output_lines: list[str],
) -> Exception:
    """A `Failure` whose description says in plain words which models or tests stopped
    the build and why (the UI and `make run` show it), or, when dbt stopped before
    running any node, what it printed."""

    def query(sql: str) -> tuple[list[str], list[tuple[Any, ...]]]:
        if con is None:
            raise LookupError("no warehouse")
        cursor = con.execute(sql)
        return [d[0] for d in cursor.description], cursor.fetchall()

    try:
        run_results = invocation.get_artifact("run_results.json")
        manifest = invocation.get_artifact("manifest.json")
    except (OSError, ValueError):
        run_results = manifest = None
    message = (
        dbt_failure_message(run_results, manifest, query)
        if run_results is not None and manifest is not None
        else None
    )
    if message is None:
        message = dbt_stopped_message(invocation.process.returncode, output_lines)
    if message is None:
        return invocation.get_error() or RuntimeError("dbt build failed")
    return Failure(
        description=message,
        metadata={
            "dbt_command": invocation.dbt_command,
            "dbt_log": str(invocation.target_path / "dbt.log"),
        },
        allow_retries=False,
    )


@dbt_assets(
    manifest=dbt_project.manifest_path,
    project=dbt_project,
    dagster_dbt_translator=translator,
    exclude=MONITORING_SELECTION,
    name="warehouse_dbt_assets",
    pool="duckdb_writer",
)
def warehouse_dbt_assets(
    context: AssetExecutionContext, dbt: DbtCliResource, config: DbtSettings
) -> Iterator[Any]:
    yield from _build_with_row_counts(context, dbt, config)


@dbt_assets(
    manifest=dbt_project.manifest_path,
    project=dbt_project,
    dagster_dbt_translator=translator,
    select=MONITORING_SELECTION,
    name="monitoring_dbt_assets",
    pool="duckdb_writer",
)
def monitoring_dbt_assets(
    context: AssetExecutionContext, dbt: DbtCliResource, config: DbtSettings
) -> Iterator[Any]:
    yield from _build_with_row_counts(context, dbt, config)
