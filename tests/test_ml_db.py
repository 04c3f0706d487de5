"""ml's DuckDB connections are bounded like dbt's, and coexist with other connections."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest

from ml.db import connect


def _settings(con: duckdb.DuckDBPyConnection) -> tuple[str, int]:
    ((memory, threads),) = con.execute(
        "select current_setting('memory_limit'), current_setting('threads')"
    ).fetchall()
    return memory, int(threads)


def test_connections_take_the_profiles_memory_limit_and_threads(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    db = tmp_path / "w.duckdb"
    monkeypatch.delenv("SOCIAL_ML_DUCKDB_MEMORY_LIMIT", raising=False)
    monkeypatch.delenv("SOCIAL_ML_DUCKDB_THREADS", raising=False)
    with connect(db) as con:
        # profiles.yml's defaults: 3GB (DuckDB shows GiB) and 2 threads.
        assert _settings(con) == ("2.7 GiB", 2)
    monkeypatch.setenv("SOCIAL_ML_DUCKDB_MEMORY_LIMIT", "1GB")
    monkeypatch.setenv("SOCIAL_ML_DUCKDB_THREADS", "1")
    with connect(db, read_only=True) as con:
        assert _settings(con) == ("953.6 MiB", 1)


def test_a_connection_opens_beside_another_one_to_the_same_file(tmp_path: Path) -> None:
    db = tmp_path / "w.duckdb"
    duckdb.connect(str(db)).close()
    other = duckdb.connect(str(db), read_only=True)
    try:
        with connect(db, read_only=True) as con:
            assert con.execute("select 42").fetchall() == [(42,)]
    finally:
        other.close()
