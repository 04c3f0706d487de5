"""The retraining sensor: no signal, no run; a signal yields exactly one run request,
and the same signal never triggers twice. Plus the raw-files sensor's cursor."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest
from dagster import DagsterInstance, RunRequest, SkipReason, build_sensor_context

from orchestration.automation import raw_files_sensor, retraining_sensor


def _write_signal(db: Path, needs_retraining: bool | None, reasons: str = "") -> None:
    con = duckdb.connect(str(db))
    con.execute("create schema if not exists marts")
    con.execute("drop table if exists marts.rpt_retraining_signal")
    if needs_retraining is not None:
        con.execute(
            "create table marts.rpt_retraining_signal as"
            " select ?::boolean as needs_retraining, ?::varchar as reasons",
            [needs_retraining, reasons],
        )
    con.close()


def _evaluate(cursor: str | None = None):
    return retraining_sensor(
        build_sensor_context(cursor=cursor, instance=DagsterInstance.ephemeral())
    )


@pytest.fixture
def warehouse(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    db = tmp_path / "warehouse.duckdb"
    monkeypatch.setenv("SOCIAL_ML_DB", str(db))
    return db


def test_no_warehouse_no_run(warehouse: Path) -> None:
    assert isinstance(_evaluate(), SkipReason)


def test_no_signal_table_no_run(warehouse: Path) -> None:
    _write_signal(warehouse, None)
    assert isinstance(_evaluate(), SkipReason)


def test_signal_false_no_run(warehouse: Path) -> None:
    _write_signal(warehouse, False)
    assert isinstance(_evaluate(), SkipReason)


def test_signal_true_yields_exactly_one_run_then_none(warehouse: Path) -> None:
    _write_signal(warehouse, True, "psi alert on f_user_ctr_7d")
    first = _evaluate()
    assert not isinstance(first, SkipReason)
    assert len(first.run_requests) == 1 and isinstance(first.run_requests[0], RunRequest)
    again = _evaluate(cursor=first.cursor)
    assert isinstance(again, SkipReason)


def test_a_new_signal_triggers_again(warehouse: Path) -> None:
    _write_signal(warehouse, True, "psi alert on f_user_ctr_7d")
    first = _evaluate()
    _write_signal(warehouse, True, "ndcg@10 fell by 0.08")
    second = _evaluate(cursor=first.cursor)
    assert len(second.run_requests) == 1
    assert second.cursor != first.cursor


def test_raw_files_sensor_runs_once_per_change(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SOCIAL_ML_RAW_DIR", str(tmp_path))
    (tmp_path / "raw_events.csv").write_text("event_id\n1\n")
    first = raw_files_sensor(build_sensor_context())
    assert len(first.run_requests) == 1
    assert isinstance(raw_files_sensor(build_sensor_context(cursor=first.cursor)), SkipReason)
    (tmp_path / "raw_users.csv").write_text("user_id\n1\n")
    assert len(raw_files_sensor(build_sensor_context(cursor=first.cursor)).run_requests) == 1


def test_raw_files_sensor_idle_without_directory(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("SOCIAL_ML_RAW_DIR", raising=False)
    assert isinstance(raw_files_sensor(build_sensor_context()), SkipReason)
