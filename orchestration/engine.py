"""Which engine dbt builds on, and, for Spark, the exchange with the DuckDB the ml steps use.

`make run ENGINE=spark` (SOCIAL_ML_ENGINE=spark) builds every dbt model on Apache Spark
(profiles.yml, target `spark`). The ml steps stay on DuckDB: training and scoring
read features a user or a batch at a time, which one machine does well. Around each
Spark `dbt build` the two meet in a folder of Parquet files (SOCIAL_ML_SPARK_EXCHANGE,
default warehouse/spark_exchange), through dbt hooks (macros/spark/spark_exchange.sql):

- before: DuckDB's ml tables (models, scores, evaluations) go to <folder>/ml/, which
  the build's on-run-start hook loads into Spark, for the monitoring models;
- after: the build's on-run-end hook writes every relation it built to
  <folder>/built/<schema>.<name>/, which replace those tables in DuckDB.

Spark stays the system of record for the marts; the DuckDB file is their copy.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

from ml.config import PROJECT_ROOT
from ml.db import ML_SCHEMA, connect, init_ml_schema, quote_ident

if TYPE_CHECKING:
    from pyspark.sql import SparkSession

ENGINES = {"duckdb": "dev", "spark": "spark"}  # engine -> profiles.yml target


def engine() -> str:
    """SOCIAL_ML_ENGINE (duckdb by default); anything else stops with what to set."""
    name = os.environ.get("SOCIAL_ML_ENGINE", "").strip().lower() or "duckdb"
    if name not in ENGINES:
        raise ValueError(
            f"SOCIAL_ML_ENGINE={name!r} is not an engine: set it to one of "
            f"{', '.join(ENGINES)} (make run ENGINE=spark)"
        )
    return name


def dbt_target() -> str:
    return ENGINES[engine()]


def exchange_folder() -> Path:
    configured = os.environ.get("SOCIAL_ML_SPARK_EXCHANGE", "").strip()
    folder = Path(configured) if configured else PROJECT_ROOT / "warehouse" / "spark_exchange"
    return folder.resolve()


def export_ml_tables(db_path: Path, folder: Path) -> list[str]:
    """DuckDB's ml tables (created empty when missing) to <folder>/ml/<table>.parquet."""
    target = folder / "ml"
    shutil.rmtree(target, ignore_errors=True)
    target.mkdir(parents=True)
    with connect(db_path) as con:
        tables = init_ml_schema(con)
        for table in tables:
            path = str(target / f"{table}.parquet").replace("'", "''")
            con.execute(f"copy {ML_SCHEMA}.{quote_ident(table)} to '{path}' (format parquet)")
    return tables


def import_built_relations(db_path: Path, folder: Path) -> list[str]:
    """Every relation the Spark build wrote to <folder>/built/ replaces its DuckDB copy;
    returns their names (schema.name). Spark writes timestamps as UTC instants, which
    DuckDB reads as TIMESTAMP WITH TIME ZONE: they become the UTC wall-clock TIMESTAMP
    the models mean (every timestamp in the project is one)."""
    built = folder / "built"
    relations = sorted(path.name for path in built.iterdir()) if built.is_dir() else []
    with connect(db_path) as con:
        con.execute("set TimeZone = 'UTC'")
        for relation in relations:
            schema, name = relation.split(".", 1)
            files = str(built / relation / "*.parquet").replace("'", "''")
            source = f"read_parquet('{files}')"
            described = con.execute(f"describe select * from {source}").fetchall()
            columns = [
                f"cast({quote_ident(column)} as timestamp) as {quote_ident(column)}"
                if data_type == "TIMESTAMP WITH TIME ZONE" else quote_ident(column)
                for column, data_type, *_ in described
            ]
            con.execute(f"create schema if not exists {quote_ident(schema)}")
            # A DuckDB build of the same file left staging's views: a copy is a table.
            is_view = con.execute(
                "select count(*) from information_schema.tables where table_schema = ?"
                " and table_name = ? and table_type = 'VIEW'", [schema, name],
            ).fetchone()[0]
            if is_view:
                con.execute(f"drop view {quote_ident(schema)}.{quote_ident(name)}")
            con.execute(
                f"create or replace table {quote_ident(schema)}.{quote_ident(name)} as "
                f"select {', '.join(columns)} from {source}"
            )
    shutil.rmtree(built, ignore_errors=True)
    return relations


def spark_dbt_env(folder: Path) -> dict[str, str]:
    """What a dbt invocation on Spark needs in its environment for the exchange."""
    return {"SOCIAL_ML_SPARK_EXCHANGE": str(folder), "SPARK_LOCAL_IP": "127.0.0.1"}



@contextmanager
def spark_session(warehouse: Path, driver_memory: str = "3g") -> Iterator[SparkSession]:
    """A Spark session (local, both cores) on the warehouse dbt's spark target wrote to
    `warehouse` (its SOCIAL_ML_SPARK_WAREHOUSE), with the profile's settings that decide
    what a query returns; stopped on exit, so a later one may open another warehouse."""
    from pyspark.sql import SparkSession  # the spark extra: imported only when used

    os.environ.setdefault("SPARK_LOCAL_IP", "127.0.0.1")
    session = (
        SparkSession.builder.master("local[2]")
        .enableHiveSupport()
        .config("spark.ui.enabled", "false")
        .config("spark.ui.showConsoleProgress", "false")
        .config("spark.sql.session.timeZone", "UTC")
        .config("spark.driver.memory", driver_memory)
        .config("spark.sql.warehouse.dir", str(warehouse))
        .config("spark.driver.extraJavaOptions", f"-Dderby.system.home={warehouse}")
        .config(
            "spark.hadoop.javax.jdo.option.ConnectionURL",
            f"jdbc:derby:;databaseName={warehouse}/metastore_db;create=true",
        )
        .getOrCreate()
    )
    try:
        yield session
    finally:
        session.stop()
