"""What the Spark suites share: dbt on one target into a private folder, and the
row-for-row comparison of one relation across the two engines (the Spark side read
through orchestration.engine.spark_session).

Run by `make test-spark` (needs the `.[spark]` extra and Java 17), never by `make test`.
Each suite gets private warehouses under pytest's tmp_path; Spark runs inside the dbt
process (profiles.yml, target `spark`) and, for the comparison, inside this one.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import duckdb
from pyspark.sql import SparkSession

PROJECT_ROOT = Path(__file__).resolve().parent.parent
DBT = Path(sys.executable).parent / "dbt"
ENGINES = ("dev", "spark")

# Columns that name the run that wrote a row (dbt's invocation id, the wall clock):
# they differ between any two builds, on one engine or two.
PER_RUN_COLUMNS = {"load_id", "recorded_at"}

# Doubles agree to this relative precision (absolute below 1): log2() and power() are
# the platform's libm on DuckDB and Java's StrictMath on Spark, a last bit apart at times.
DOUBLE_TOLERANCE = 1e-9


def run_dbt(
    args: list[str], folder: Path, target: str, dbt_vars: str | None = None
) -> subprocess.CompletedProcess[str]:
    """One dbt command on `target`, writing only under `folder`; fails the test with
    dbt's output when dbt fails."""
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
    command = [str(DBT), *args, "--target", target, *(["--vars", dbt_vars] if dbt_vars else [])]
    result = subprocess.run(
        command, cwd=PROJECT_ROOT, env=env, capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stdout[-6000:]
    return result


def compare_relation(folder: Path, spark: SparkSession, relation: str) -> tuple[int, int]:
    """Rows of `relation` (schema.name) that DuckDB and Spark do not both have, and
    DuckDB's row count, over every column but PER_RUN_COLUMNS. Rows pair up by their
    other columns, equal (NULL equal to NULL), and, among rows equal in those, by the
    order of their doubles; paired doubles must agree within DOUBLE_TOLERANCE."""
    with duckdb.connect(str(folder / "duckdb.duckdb"), read_only=True) as con:
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
