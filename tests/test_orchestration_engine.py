"""The engine switch and the DuckDB side of the Spark exchange (orchestration/engine.py).

The Spark side (the dbt hooks that read and write the folder) runs in tests_spark/."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest

from ml.db import ML_TABLES_DDL
from orchestration.engine import dbt_target, engine, export_ml_tables, import_built_relations


def test_engine_defaults_to_duckdb_and_names_the_spark_target(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delenv("SOCIAL_ML_ENGINE", raising=False)
    assert (engine(), dbt_target()) == ("duckdb", "dev")
    monkeypatch.setenv("SOCIAL_ML_ENGINE", " Spark ")
    assert (engine(), dbt_target()) == ("spark", "spark")


def test_an_unknown_engine_says_what_to_set(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SOCIAL_ML_ENGINE", "snowflake")
    with pytest.raises(ValueError, match=r"one of duckdb, spark \(make run ENGINE=spark\)"):
        engine()


def test_ml_tables_leave_duckdb_as_parquet_with_their_rows(tmp_path: Path) -> None:
    db_path = tmp_path / "warehouse.duckdb"
    export_ml_tables(db_path, tmp_path / "exchange")  # creates the empty ml tables
    with duckdb.connect(str(db_path)) as con:
        con.execute(
            "insert into ml.evaluations (model_version, evaluated_at, k, metric, model_value,"
            " baseline_value) values (3, timestamp '2026-01-02 03:04:05', 10, 'roc_auc', 0.75, 0.5)"
        )
    tables = export_ml_tables(db_path, tmp_path / "exchange")
    assert sorted(tables) == sorted(ML_TABLES_DDL)
    folder = tmp_path / "exchange" / "ml"
    assert sorted(path.stem for path in folder.iterdir()) == sorted(ML_TABLES_DDL)
    rows = duckdb.sql(
        "select model_version, cast(evaluated_at as string), metric, model_value"
        f" from read_parquet('{folder}/evaluations.parquet')"
    ).fetchall()
    assert rows == [(3, "2026-01-02 03:04:05", "roc_auc", 0.75)]


def test_built_relations_replace_their_duckdb_copies_as_utc_wall_clock(tmp_path: Path) -> None:
    """What Spark's on-run-end hook writes: a folder of Parquet parts per relation, its
    timestamps UTC instants (DuckDB reads them WITH TIME ZONE). A view a DuckDB build
    left under the same name gives way to the copy."""
    built = tmp_path / "exchange" / "built" / "marts.fct_example"
    built.mkdir(parents=True)
    with duckdb.connect() as con:
        con.execute("set TimeZone = 'America/New_York'")
        for part, hour in enumerate((9, 23)):
            con.execute(
                f"copy (select {part} as id, 'x' as label, timestamptz '2026-01-02 {hour}:30:00+00'"
                f" as event_at) to '{built}/part-{part}.parquet' (format parquet)"
            )
    db_path = tmp_path / "warehouse.duckdb"
    with duckdb.connect(str(db_path)) as con:
        con.execute("create schema marts")
        con.execute("create view marts.fct_example as select 'stale' as label")

    assert import_built_relations(db_path, tmp_path / "exchange") == ["marts.fct_example"]

    with duckdb.connect(str(db_path)) as con:
        assert con.execute(
            "select data_type from information_schema.columns"
            " where table_name = 'fct_example' and column_name = 'event_at'"
        ).fetchall() == [("TIMESTAMP",)]
        assert con.execute(
            "select id, label, cast(event_at as string) from marts.fct_example order by id"
        ).fetchall() == [(0, "x", "2026-01-02 09:30:00"), (1, "x", "2026-01-02 23:30:00")]
    assert not built.exists()  # consumed: the next build's folder starts empty
