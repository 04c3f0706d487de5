"""Own data on Spark: a log of another shape than the sample (text ids, ISO timestamps
with offsets, no impressions) read through Spark's file readers (Parquet tables, a
landing zone of CSV batches), then folded in batch by batch on the stream's hot path,
gives on Spark what it gives on DuckDB, model for model (helpers in conftest.py)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import duckdb
import pytest
from conftest import ENGINES, compare_relation, run_dbt
from pyspark.sql import SparkSession

from datagen.cli import main as datagen
from orchestration.engine import spark_session
from stream.batching import split_by_period
from stream.landing import LandingZone
from stream.producer import read_raw_events

SHAPE = (
    "--shape", "string-ids", "--timestamp-format", "iso", "--no-impressions",
    "--users", "300", "--tweets", "600", "--events", "4000", "--days", "7",
)
# A fixed ingestion clock: each engine's run would otherwise judge ingested_in_future
# against its own start time.
CLOCK = "2026-12-01 00:00:00"


@pytest.fixture(scope="module")
def own_data(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Both engines: a full build of the first half of the batches, then the rest
    landed and folded in by the stream's hot path (selector stream_batch)."""
    folder = tmp_path_factory.mktemp("own_data")
    generated = folder / "generated"
    assert datagen([
        *SHAPE, "--format", "parquet", "--out", str(generated),
        "--truth-dir", str(folder / "truth"), "--quiet",
    ]) == 0
    zone = LandingZone(folder / "zone")
    zone.land_dimensions(generated)
    batches = split_by_period(read_raw_events(generated), 2 * 24 * 60)
    assert len(batches) >= 4
    dbt_vars = json.dumps({"raw_data_dir": str(zone.root), "ingestion_clock": CLOCK})
    for batch in batches[: len(batches) // 2]:
        zone.land(batch, "csv")
    for target in ENGINES:
        run_dbt(
            ["build", "--exclude", "resource_type:test", "resource_type:unit_test"],
            folder, target, dbt_vars,
        )
    for batch in batches[len(batches) // 2 :]:
        zone.land(batch, "csv")
    for target in ENGINES:
        run_dbt(["run", "--selector", "stream_batch"], folder, target, dbt_vars)
    return folder


@pytest.fixture(scope="module")
def spark(own_data: Path) -> Iterator[SparkSession]:
    with spark_session(own_data / "spark") as session:
        yield session


def _relations(folder: Path) -> list[str]:
    """schema.name of every table and view the DuckDB build made (ml and the stream's
    bookkeeping aside, which only the Python layers and the hooks read)."""
    with duckdb.connect(str(folder / "duckdb.duckdb"), read_only=True) as con:
        return [
            f"{schema}.{name}" for schema, name in con.execute(
                "select table_schema, table_name from information_schema.tables"
                " where table_schema in ('raw', 'staging', 'intermediate', 'marts')"
                " order by all"
            ).fetchall()
        ]


def test_own_data_builds_and_streams_identically(own_data: Path, spark: SparkSession) -> None:
    """Every seed view and model, after both runs: the same rows on both engines. The
    batches all landed (each engine staged every batch id), and text ids came through
    as surrogates, which must agree across engines for any join to match."""
    relations = _relations(own_data)
    assert len(relations) > 60, relations
    differing = {}
    for relation in relations:
        unpaired, rows = compare_relation(own_data, spark, relation)
        if unpaired:
            differing[relation] = f"{unpaired} unpaired of {rows}"
    assert differing == {}
    staged = spark.sql(
        "select count(distinct batch_id) from staging.stg_social__events_validated"
    ).collect()[0][0]
    assert staged == len(LandingZone(own_data / "zone").batch_ids())
