"""The same dbt project on Apache Spark gives the same answers as on DuckDB.

Run by `make test-spark` (needs the `.[spark]` extra and Java 17), never by `make test`.
Each engine gets a private warehouse under pytest's tmp_path; Spark runs inside the
dbt process (profiles.yml, target `spark`) and, for the comparison, inside this one.
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import duckdb
import pytest
from pyspark.sql import SparkSession

PROJECT_ROOT = Path(__file__).resolve().parent.parent
DBT = Path(sys.executable).parent / "dbt"
RAW_TABLES = ["raw_users", "raw_tweets", "raw_follows", "raw_events", "raw_app_logs"]
# Staging as far as Spark builds it today: every staging model but the events family
# (stg_social__events_validated is an incremental delete+insert model, which dbt-spark
# does not offer; issue 16).
STAGING_SELECTION = [
    "--select", "path:models/staging", "--exclude", "stg_social__events_validated+",
]
STAGING_ON_SPARK = [
    "stg_social__id_formats", "stg_social__timestamp_formats",
    "stg_social__users_validated", "stg_social__users", "stg_social__users_quarantine",
    "stg_social__tweets_validated", "stg_social__tweets", "stg_social__tweets_quarantine",
    "stg_social__follows_validated", "stg_social__follows", "stg_social__follows_quarantine",
    "stg_social__app_logs_validated", "stg_social__app_logs", "stg_social__app_logs_quarantine",
]


def _dbt(args: list[str], folder: Path, target: str) -> subprocess.CompletedProcess[str]:
    """One dbt command on `target`, writing only under `folder`; its output on failure."""
    env = dict(os.environ)
    env.update(
        DO_NOT_TRACK="1",
        DBT_SEND_ANONYMOUS_USAGE_STATS="false",
        DBT_PROFILES_DIR=str(PROJECT_ROOT),
        DBT_TARGET_PATH=str(folder / f"target_{target}"),
        DBT_LOG_PATH=str(folder / f"logs_{target}"),
        SOCIAL_ML_DB=str(folder / "duckdb.duckdb"),
        SOCIAL_ML_SPARK_WAREHOUSE=str(folder / "spark"),
        SPARK_LOCAL_IP="127.0.0.1",
    )
    return subprocess.run(
        [str(DBT), *args, "--target", target], cwd=PROJECT_ROOT, env=env,
        capture_output=True, text=True, check=False,
    )


def _succeeded(result: subprocess.CompletedProcess[str]) -> None:
    assert result.returncode == 0, result.stdout[-6000:]


@pytest.fixture(scope="module")
def warehouses(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The seeds and the staging models Spark builds, by dbt, in a DuckDB and a Spark
    warehouse side by side."""
    folder = tmp_path_factory.mktemp("engines")
    for target in ("dev", "spark"):
        _succeeded(_dbt(["seed"], folder, target))
        _succeeded(_dbt(["run", *STAGING_SELECTION], folder, target))
    return folder


@pytest.fixture(scope="module")
def spark(warehouses: Path) -> Iterator[SparkSession]:
    """A Spark session on the Spark warehouse dbt wrote (the profile's settings)."""
    home = warehouses / "spark"
    session = (
        SparkSession.builder.master("local[2]")
        .enableHiveSupport()
        .config("spark.ui.enabled", "false")
        .config("spark.sql.session.timeZone", "UTC")
        .config("spark.sql.warehouse.dir", str(home))
        .config("spark.driver.extraJavaOptions", f"-Dderby.system.home={home}")
        .config(
            "spark.hadoop.javax.jdo.option.ConnectionURL",
            f"jdbc:derby:;databaseName={home}/metastore_db;create=true",
        )
        .getOrCreate()
    )
    yield session
    session.stop()


def _compared(warehouses: Path, spark: SparkSession, relation: str) -> tuple[int, int, int]:
    """Rows of `relation` (schema.table) that only DuckDB has, that only Spark has, and
    DuckDB's row count."""
    spark_rows = spark.table(relation).toArrow()
    with duckdb.connect(str(warehouses / "duckdb.duckdb"), read_only=True) as con:
        con.execute("set TimeZone = 'UTC'")
        con.register("spark_rows", spark_rows)
        only = "select count(*) from (select * from {} except all select * from {})"
        return (
            con.execute(only.format(relation, "spark_rows")).fetchone()[0],
            con.execute(only.format("spark_rows", relation)).fetchone()[0],
            con.execute(f"select count(*) from {relation}").fetchone()[0],
        )


@pytest.mark.parametrize("table", RAW_TABLES)
def test_seeds_load_identically(warehouses: Path, spark: SparkSession, table: str) -> None:
    """Every seed row and cell is the same on both engines, empty cells included
    (null: dbt-spark's own loader writes the text 'None', macros/spark/spark_seeds.sql)."""
    only_duckdb, only_spark, rows = _compared(warehouses, spark, f"raw.{table}")
    assert (only_duckdb, only_spark) == (0, 0) and rows > 0


@pytest.mark.parametrize("model", STAGING_ON_SPARK)
def test_staging_is_identical(warehouses: Path, spark: SparkSession, model: str) -> None:
    """Typed values, quarantine reasons and detected formats: every column of every row
    (the sample has no dirt in users, tweets or follows: those quarantines are empty)."""
    only_duckdb, only_spark, _ = _compared(warehouses, spark, f"staging.{model}")
    assert (only_duckdb, only_spark) == (0, 0)


def test_engine_macro_tests_pass_on_spark(tmp_path: Path) -> None:
    """tests/dbt/engine_macros: the dispatched macros' spark__ variants give the
    answers their duckdb__ variants give in `make test`'s dbt build."""
    result = _dbt(["test", "--select", "path:tests/dbt/engine_macros"], tmp_path, "spark")
    _succeeded(result)
    assert "PASS=" in result.stdout and " FAIL " not in result.stdout
