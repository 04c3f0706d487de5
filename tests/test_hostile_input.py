"""Hostile raw input (issue 12): every scenario ends in a clean build with each bad
row quarantined under a reason that names its column, or in a clear error naming the
file and line. Scenarios are generated from the sample by code (tests/hostile_input.py).

One full `dbt build` covers every row-level scenario at once; the file-level ones
(dialect) load only the raw tables, which is where they must stop.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from pathlib import Path

import duckdb
import pytest
from conftest import ACCOUNTED, run_dbt
from hostile_input import (
    ROW_SCENARIOS,
    SEEDS,
    TABLES,
    RowScenario,
    read_sample,
    write_mixed_raw_dir,
    write_raw_dir,
)

pytestmark = pytest.mark.long

BUILD = ["build", "--exclude-resource-type", "unit_test"]
KEY_COLUMN = {
    "events": "raw_event_id",
    "users": "raw_user_id",
    "tweets": "raw_tweet_id",
    "follows": "raw_follower_id",
    "app_logs": "raw_log_id",
}


@pytest.fixture(scope="module")
def mixed(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """The sample plus every row scenario, built end to end (the build must pass)."""
    root = tmp_path_factory.mktemp("hostile")
    raw_dir = write_mixed_raw_dir(root / "raw")
    db_path = root / "warehouse.duckdb"
    run_dbt(BUILD, db_path, root / "target", {"raw_data_dir": str(raw_dir)})
    return raw_dir, db_path


@pytest.fixture
def con(mixed: tuple[Path, Path]) -> Iterator[duckdb.DuckDBPyConnection]:
    with duckdb.connect(str(mixed[1]), read_only=True) as connection:
        yield connection


def _outcomes(con: duckdb.DuckDBPyConnection, scenario: RowScenario) -> list[str]:
    """Each raw row with the scenario's key: 'clean', 'duplicate' or its reason."""
    status = "row_status" if scenario.table == "events" else "'clean'"
    rows = con.execute(
        f"select coalesce(quarantine_reason, {status})"
        f" from staging.stg_social__{scenario.table}_validated"
        f" where {KEY_COLUMN[scenario.table]} = ?",
        [scenario.key],
    ).fetchall()
    return sorted(row[0] for row in rows)


@pytest.mark.parametrize("scenario", ROW_SCENARIOS, ids=lambda s: f"{s.table}:{s.key}")
def test_each_hostile_row_lands_where_it_should(
    con: duckdb.DuckDBPyConnection, scenario: RowScenario
) -> None:
    outcomes = _outcomes(con, scenario)
    copies = 1 + sum(1 for table, _ in scenario.extra if table == scenario.table)
    assert len(outcomes) == copies, outcomes
    assert scenario.expected in outcomes


def test_every_raw_row_is_clean_quarantined_or_duplicate(
    mixed: tuple[Path, Path], con: duckdb.DuckDBPyConnection
) -> None:
    raw_dir = mixed[0]
    for table, models in ACCOUNTED.items():
        written = len(read_sample(table)[1]) + sum(
            (s.table == table) + sum(extra == table for extra, _ in s.extra)
            for s in ROW_SCENARIOS
        )
        raw = con.execute(f"select count(*) from raw.raw_{table}").fetchone()[0]
        accounted = sum(
            con.execute(f"select count(*) from staging.{model}").fetchone()[0] for model in models
        )
        assert (table, raw, accounted) == (table, written, written), raw_dir


def test_values_are_read_exactly(con: duckdb.DuckDBPyConnection) -> None:
    """Quotes, commas, line breaks and control characters survive the CSV read."""
    by_key = {s.key: s.row for s in ROW_SCENARIOS if s.table == "events"}
    for key, column in [
        ("h-quote", "client"),
        ("h-comma", "event_type"),
        ("h-newline-type", "event_type"),
        ("h-ts-tab", "event_ts"),
        ("h-ts-cr", "event_ts"),
        ("h-ts-vt", "event_ts"),
        ("h-ts-lf", "event_ts"),
        ("h-ts-nul", "ingested_at"),
    ]:
        read = con.execute(
            f"select {column} from raw.raw_events where event_id = ?", [key]
        ).fetchone()[0]
        assert read == by_key[key][column], (key, column, read)


def test_time_bounds_keep_windows_to_the_accepted_data(con: duckdb.DuckDBPyConnection) -> None:
    """The far-future and 1976 rows are quarantined, so no window reaches them."""
    start, end = con.execute(
        "select data_start_at, data_end_at from intermediate.int_ml_time_windows"
    ).fetchone()
    sample = con.execute(
        "select min(try_strptime(event_ts, '%Y-%m-%d %H:%M:%S.%g')),"
        " max(try_strptime(event_ts, '%Y-%m-%d %H:%M:%S.%g'))"
        " from read_csv(?, all_varchar = true)",
        [str(SEEDS / "raw_events.csv")],
    ).fetchone()
    assert start >= sample[0] and end <= sample[1] <= datetime.now()
    days = con.execute(
        "select count(distinct activity_date) from intermediate.int_user_activity_daily"
    ).fetchone()[0]
    assert days < 60


# --- file-level scenarios: one raw directory each, loading the raw tables only ---


def _seed(raw_dir: Path, tmp_path: Path, **dbt_vars: object) -> None:
    run_dbt(["seed"], tmp_path / "w.duckdb", tmp_path / "target",
            {"raw_data_dir": str(raw_dir), **dbt_vars})


def _with_events_line(raw_dir: Path, line: str) -> Path:
    """Insert one raw line into the events file after its 50th line."""
    path = raw_dir / "raw_events.csv"
    lines = path.read_bytes().split(b"\n")
    path.write_bytes(b"\n".join([*lines[:50], line.encode(), *lines[50:]]))
    return raw_dir


@pytest.mark.parametrize(
    ("name", "line", "expected"),
    [
        ("unterminated_quote", 'bad,"2026-10-01 00:00:00.000,x,y',
         "line 51: Value with unterminated quote found"),
        ("too_many_fields",
         "bad,2026-10-01 00:00:00.000,2026-10-01 00:00:00.000,1,2,like,0,web,surplus",
         "line 51: Expected Number of Columns: 8 Found: 9"),
    ],
)
def test_a_file_breaking_the_dialect_names_its_line(
    tmp_path: Path, name: str, line: str, expected: str
) -> None:
    raw_dir = _with_events_line(write_raw_dir(tmp_path / name), line)
    with pytest.raises(AssertionError) as failure:
        _seed(raw_dir, tmp_path)
    message = " ".join(str(failure.value).split())
    assert f"Raw input {raw_dir / 'raw_events.csv'} is not readable" in message
    assert expected in message
    assert "Fix the file there" in message


def test_a_line_over_the_size_limit_names_its_line(tmp_path: Path) -> None:
    raw_dir = _with_events_line(
        write_raw_dir(tmp_path / "long"),
        "long,2026-10-01 00:00:00.000,2026-10-01 00:00:00.000,1,2,like,0," + "w" * 5000,
    )
    with pytest.raises(AssertionError) as failure:
        _seed(raw_dir, tmp_path, raw_csv_max_line_bytes=4096)
    message = str(failure.value)
    assert "CSV Error on Line: 51" in message and "Maximum line size of 4096 bytes" in message


def test_crlf_with_a_byte_order_mark_reads_every_row_exactly(tmp_path: Path) -> None:
    raw_dir = write_raw_dir(tmp_path / "crlf", line_terminator="\r\n", bom=True)
    _seed(raw_dir, tmp_path)
    with duckdb.connect(str(tmp_path / "w.duckdb"), read_only=True) as connection:
        for table in TABLES:
            header, rows = read_sample(table)
            read = connection.execute(f"select * from raw.raw_{table}").fetchall()
            # The header's first name carries no BOM, every value comes back as written.
            columns = [d[0] for d in connection.description]
            assert columns[0] == header[0]
            assert sorted(tuple(v or "" for v in row) for row in read) == sorted(
                tuple(row[name] for name in columns) for row in rows
            )


def test_a_row_starting_with_a_hash_is_data(tmp_path: Path) -> None:
    """A sniffing reader takes it for a comment and drops it."""
    raw_dir = _with_events_line(
        write_raw_dir(tmp_path / "hash"),
        "#e1,2026-10-10 12:00:00.000,2026-10-10 12:00:01.000,560,1000000991,like,3,web",
    )
    _seed(raw_dir, tmp_path)
    with duckdb.connect(str(tmp_path / "w.duckdb"), read_only=True) as connection:
        assert connection.execute(
            "select count(*) from raw.raw_events where event_id = '#e1'"
        ).fetchone()[0] == 1


def test_a_one_event_log_stops_saying_why(tmp_path: Path) -> None:
    """One clean event cannot be split for training: the build stops at the windows
    with the span and the fix, after staging and the marts before it are built."""

    def first_event_only(table: str, rows: list[dict[str, str]]) -> list[dict[str, str]]:
        return rows[:1] if table == "events" else rows

    raw_dir = write_raw_dir(tmp_path / "one", first_event_only)
    db_path = tmp_path / "w.duckdb"
    with pytest.raises(AssertionError) as failure:
        run_dbt(BUILD, db_path, tmp_path / "target", {"raw_data_dir": str(raw_dir)})
    message = " ".join(str(failure.value).split())
    assert "too short to split for training" in message
    assert "Fix: give events over more hours" in message
    with duckdb.connect(str(db_path), read_only=True) as connection:
        clean = connection.execute("select count(*) from staging.stg_social__events").fetchone()
    assert clean[0] == 1
