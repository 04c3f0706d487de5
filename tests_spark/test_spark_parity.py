"""The same dbt project on Apache Spark gives the same answers as on DuckDB.

Run by `make test-spark` (needs the `.[spark]` extra and Java 17), never by `make test`.
Each engine gets a private warehouse under pytest's tmp_path; Spark runs inside the
dbt process (profiles.yml, target `spark`) and, for the comparison, inside this one.
"""

from __future__ import annotations

import json
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
MANIFEST = PROJECT_ROOT / "target" / "manifest.json"


def _built_relations() -> list[str]:
    """schema.name of every seed and model dbt builds (`make test-spark` parses the
    project first), so a new model is compared without being listed here."""
    nodes = json.loads(MANIFEST.read_text())["nodes"].values()
    return sorted(
        f"{node['schema']}.{node['alias']}" for node in nodes
        if node["resource_type"] in ("seed", "model")
        and node["config"]["materialized"] != "ephemeral"
    )


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
    """The sample built by `dbt build` (seeds, every model, every data and unit test)
    into a DuckDB and a Spark warehouse side by side."""
    folder = tmp_path_factory.mktemp("engines")
    for target in ("dev", "spark"):
        _succeeded(_dbt(["build"], folder, target))
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
        .config("spark.driver.memory", "3g")  # the widest tables come back through Arrow
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


# Columns that name the run that wrote a row (dbt's invocation id, the wall clock):
# they differ between any two builds, on one engine or two.
PER_RUN_COLUMNS = {"load_id", "recorded_at"}


# Doubles agree to this relative precision (absolute below 1): log2() and power() are
# the platform's libm on DuckDB and Java's StrictMath on Spark, a last bit apart at times.
DOUBLE_TOLERANCE = 1e-9


def _compared(warehouses: Path, spark: SparkSession, relation: str) -> tuple[int, int]:
    """Rows of `relation` (schema.name) that DuckDB and Spark do not both have, and
    DuckDB's row count, over every column but PER_RUN_COLUMNS. Rows pair up by their
    other columns, equal (NULL equal to NULL), and, among rows equal in those, by the
    order of their doubles; paired doubles must agree within DOUBLE_TOLERANCE."""
    with duckdb.connect(str(warehouses / "duckdb.duckdb"), read_only=True) as con:
        con.execute("set TimeZone = 'UTC'")
        types = {
            name: data_type for name, data_type in con.execute(
                "select column_name, data_type from information_schema.columns"
                " where table_schema = ? and table_name = ? order by ordinal_position",
                relation.split("."),
            ).fetchall()
            if name not in PER_RUN_COLUMNS
        }
        con.register("spark_rows", spark.table(relation).select(*types).toArrow())
        floating = {name for name, data_type in types.items() if data_type in ("DOUBLE", "FLOAT")}
        doubles = [f'"{name}"' for name in types if name in floating]
        others = [f'"{name}"' for name in types if name not in floating]
        pair_order = ", ".join(doubles) if doubles else "1"
        numbered = (
            f"select {', '.join([*others, *doubles])}, row_number() over ("
            f"{'partition by ' + ', '.join(others) if others else ''} order by {pair_order}"
            ") as pair_number from {}"
        )
        matches = [f"d.{c} is not distinct from s.{c}" for c in others] + [
            f"(d.{c} is not distinct from s.{c} or abs(d.{c} - s.{c})"
            f" <= {DOUBLE_TOLERANCE} * greatest(1, abs(d.{c})))"
            for c in doubles
        ]
        unpaired = con.execute(
            f"select count(*) from ({numbered.format(relation)}) as d"
            f" full outer join ({numbered.format('spark_rows')}) as s"
            f" on d.pair_number = s.pair_number"
            f"{''.join(f' and d.{c} is not distinct from s.{c}' for c in others)}"
            f" where d.pair_number is null or s.pair_number is null"
            f" or not ({' and '.join(matches) or 'true'})"
        ).fetchone()[0]
        return unpaired, con.execute(f"select count(*) from {relation}").fetchone()[0]


@pytest.mark.parametrize("relation", _built_relations())
def test_relation_is_identical(warehouses: Path, spark: SparkSession, relation: str) -> None:
    """Every seed and model: every column of every row the same on both engines
    (seeds' empty cells included: null, where dbt-spark's own loader writes the text
    'None', macros/spark/spark_seeds.sql)."""
    unpaired, _ = _compared(warehouses, spark, relation)
    assert unpaired == 0


def test_engine_macro_tests_pass_on_spark(warehouses: Path) -> None:
    """tests/dbt/engine_macros ran in the Spark build and passed: the dispatched macros'
    spark__ variants give the answers their duckdb__ variants give in `make test`."""
    results = json.loads((warehouses / "target_spark" / "run_results.json").read_text())
    engine_tests = {
        result["unique_id"]: result["status"] for result in results["results"]
        if result["unique_id"].startswith("test.social_ml.engine_")
    }
    assert len(engine_tests) >= 8 and set(engine_tests.values()) == {"pass"}, engine_tests
