"""DuckDB access for the ml steps: connections, the `ml` schema, small query helpers.

The `ml` tables are created here (``init_ml_schema``) with ``create ... if not exists``
so that ml can run against any warehouse, and dbt's monitoring models (which read them
through the dbt source ``ml``) build even before the first training run. The same DDL
exists as the dbt macro ``create_ml_source_tables`` (run as an on-run-start hook);
tests/test_ml_monitoring.py proves the two create identical columns.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import duckdb
import pyarrow as pa

ML_SCHEMA = "ml"
MARTS_SCHEMA = "marts"

# One statement per table; column order is part of the contract dbt reads.
ML_TABLES_DDL: dict[str, str] = {
    "model_registry": """
        create table if not exists ml.model_registry (
            model_version integer not null,
            model_kind varchar not null,
            trained_at timestamp not null,
            train_start timestamp,
            train_end timestamp,
            validation_start timestamp,
            validation_end timestamp,
            train_rows bigint not null,
            validation_rows bigint not null,
            train_positive_rate double,
            features_json varchar not null,
            metrics_json varchar not null,
            val_roc_auc double,
            val_log_loss double,
            val_brier double,
            val_ece double,
            baseline_roc_auc double,
            baseline_log_loss double,
            passed_quality_gate boolean not null,
            quality_gate_reason varchar not null,
            selection_reason varchar not null,
            training_data_hash varchar not null,
            artifact_path varchar not null,
            artifact_sha256 varchar not null,
            config_json varchar not null
        )""",
    "predictions": """
        create table if not exists ml.predictions (
            model_version integer not null,
            scope varchar not null,
            user_id bigint not null,
            tweet_id bigint not null,
            score double not null,
            scored_at timestamp not null,
            feature_hash ubigint
        )""",
    "recommendations": """
        create table if not exists ml.recommendations (
            model_version integer not null,
            scope varchar not null,
            user_id bigint not null,
            rank integer not null,
            tweet_id bigint not null,
            score double not null
        )""",
    "training_set_scores": """
        create table if not exists ml.training_set_scores (
            model_version integer not null,
            impression_id varchar not null,
            split varchar not null,
            impression_at timestamp not null,
            label integer not null,
            score double not null,
            scored_at timestamp not null,
            feature_hash ubigint
        )""",
    "evaluations": """
        create table if not exists ml.evaluations (
            model_version integer not null,
            evaluated_at timestamp not null,
            k integer not null,
            metric varchar not null,
            model_value double,
            baseline_value double
        )""",
    "ranking_evaluations": """
        create table if not exists ml.ranking_evaluations (
            model_version integer not null,
            evaluated_at timestamp not null,
            k integer not null,
            ranker varchar not null,
            metric varchar not null,
            value double,
            ci_low double,
            ci_high double,
            users_evaluated bigint not null
        )""",
}


def duckdb_settings() -> dict[str, str]:
    """The memory limit and threads dbt's profile gives DuckDB (profiles.yml: the same
    environment variables and defaults), so an ml step is bounded like a dbt model.
    DuckDB's own default is 80% of RAM: scoring 46M candidates at 10M events, which
    streams them in batches, held 20 GB resident without it."""
    return {
        "memory_limit": os.environ.get("SOCIAL_ML_DUCKDB_MEMORY_LIMIT", "3GB"),
        "threads": os.environ.get("SOCIAL_ML_DUCKDB_THREADS", "2"),
    }


@contextmanager
def connect(db_path: Path | str, read_only: bool = False) -> Iterator[duckdb.DuckDBPyConnection]:
    """Open the warehouse and always close it: DuckDB allows one writer per file."""
    path = Path(db_path)
    if read_only and not path.exists():
        raise FileNotFoundError(f"warehouse not found: {path}")
    path.parent.mkdir(parents=True, exist_ok=True)
    con = duckdb.connect(str(path), read_only=read_only)
    try:
        # SET, not connect(config=...): a process may hold another connection to the same
        # file, and DuckDB refuses a second one opened with a different configuration.
        for name, value in duckdb_settings().items():
            quoted = value.replace("'", "''")
            con.execute(f"set {name} = '{quoted}'")
        yield con
    finally:
        con.close()


# Columns added since a table was first created: a warehouse built before gets them.
ML_COLUMNS_ADDED = (
    ("predictions", "feature_hash", "ubigint"),
    ("training_set_scores", "feature_hash", "ubigint"),
)


def init_ml_schema(con: duckdb.DuckDBPyConnection) -> list[str]:
    """Create schema `ml` and its tables when missing; returns the table names."""
    con.execute(f"create schema if not exists {ML_SCHEMA}")
    for ddl in ML_TABLES_DDL.values():
        con.execute(ddl)
    for table, column, data_type in ML_COLUMNS_ADDED:
        con.execute(
            f"alter table {ML_SCHEMA}.{table} add column if not exists {column} {data_type}"
        )
    return list(ML_TABLES_DDL)


def init_warehouse(db_path: Path | str) -> list[str]:
    """`init_ml_schema` on the warehouse file at `db_path` (opens and closes it)."""
    with connect(db_path) as con:
        return init_ml_schema(con)


def table_exists(con: duckdb.DuckDBPyConnection, schema: str, table: str) -> bool:
    rows = con.execute(
        "select count(*) from information_schema.tables where table_schema = ? and table_name = ?",
        [schema, table],
    ).fetchall()
    row = rows[0] if rows else None
    return bool(row and row[0])


def require_table(con: duckdb.DuckDBPyConnection, schema: str, table: str) -> None:
    """Fail with a message that says which step builds the missing table."""
    if not table_exists(con, schema, table):
        hint = "run `dbt build` first" if schema == MARTS_SCHEMA else "run `python -m ml init`"
        raise LookupError(f"table {schema}.{table} does not exist in the warehouse ({hint})")


def columns_with_types(
    con: duckdb.DuckDBPyConnection, schema: str, table: str
) -> list[tuple[str, str]]:
    """(column, DuckDB type) in table order."""
    return [
        (str(name), str(dtype))
        for name, dtype in con.execute(
            """
            select column_name, data_type
            from information_schema.columns
            where table_schema = ? and table_name = ?
            order by ordinal_position
            """,
            [schema, table],
        ).fetchall()
    ]


def stream_arrow(
    con: duckdb.DuckDBPyConnection,
    sql: str,
    params: list[object] | None = None,
    batch_rows: int = 65_536,
) -> pa.RecordBatchReader:
    """The query's rows as Arrow record batches of at most `batch_rows` rows, so a caller
    holds one batch at a time instead of the whole result."""
    return con.sql(sql, params=params or None).to_arrow_reader(batch_rows)


def quote_ident(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'
