"""Bring your own data: the staging layer reads a directory of raw_<table> files.

Setting the dbt var `raw_data_dir` swaps the seeds for the user's own Parquet or CSV
files (see docs/raw_data_contract.md and macros/raw/read_raw.sql). These tests prove
that the same rows give the same staged result whichever way they arrive, and that a
file missing a contract column stops the run with an error naming file and column.
"""

from __future__ import annotations

import shutil
import subprocess
from collections.abc import Callable
from pathlib import Path

import duckdb
import pytest

DbtRunner = Callable[..., subprocess.CompletedProcess[str]]

TABLES = ("users", "tweets", "follows", "events", "app_logs")
STAGED_MODELS = (
    "stg_social__users",
    "stg_social__users_quarantine",
    "stg_social__tweets",
    "stg_social__tweets_quarantine",
    "stg_social__follows",
    "stg_social__follows_quarantine",
    "stg_social__events",
    "stg_social__events_quarantine",
    "stg_social__events_duplicates",
    "stg_social__app_logs",
    "stg_social__app_logs_quarantine",
)
# Staging, its seeds, its tests (the reconciliation included), nothing downstream.
BUILD_STAGING = ["build", "--select", "+path:models/staging", "--indirect-selection", "cautious"]


def staged_counts(db_path: Path) -> dict[str, int]:
    """Row count of every staging and quarantine model in a built warehouse."""
    with duckdb.connect(str(db_path), read_only=True) as con:
        return {
            model: con.execute(f"select count(*) from staging.{model}").fetchone()[0]
            for model in STAGED_MODELS
        }


def export_seeds(
    project_root: Path, out_dir: Path, csv_tables: tuple[str, ...] = (), typed: bool = False
) -> None:
    """Write each seed as raw_<table>.parquet, or copy it as CSV.

    Parquet columns are text like the contract's files, or with `typed` the types
    DuckDB infers (bigint ids, timestamp and boolean columns), as a user's own
    Parquet export would often have them.
    """
    out_dir.mkdir(parents=True, exist_ok=True)
    with duckdb.connect() as con:
        for table in TABLES:
            seed = project_root / "seeds" / f"raw_{table}.csv"
            if table in csv_tables:
                shutil.copy(seed, out_dir / seed.name)
                continue
            con.execute(
                f"copy (select * from read_csv('{seed}', header = true,"
                f" all_varchar = {str(not typed).lower()}))"
                f" to '{out_dir / f'raw_{table}.parquet'}' (format parquet)"
            )


@pytest.fixture(scope="module")
def seed_run_counts(
    tmp_path_factory: pytest.TempPathFactory, dbt_runner: DbtRunner
) -> dict[str, int]:
    """Staged row counts from the checked-in seeds (the default input)."""
    work = tmp_path_factory.mktemp("seed_run")
    dbt_runner(BUILD_STAGING, work / "warehouse.duckdb", work / "target")
    return staged_counts(work / "warehouse.duckdb")


@pytest.mark.parametrize(
    ("csv_tables", "typed"),
    [(("app_logs", "follows"), False), ((), True)],
    ids=["text-parquet-and-csv", "typed-parquet"],
)
def test_own_files_stage_exactly_like_the_seeds(
    seed_run_counts: dict[str, int],
    tmp_path: Path,
    project_root: Path,
    dbt_runner: DbtRunner,
    csv_tables: tuple[str, ...],
    typed: bool,
) -> None:
    raw_dir = tmp_path / "my_raw"
    export_seeds(project_root, raw_dir, csv_tables=csv_tables, typed=typed)
    db_path = tmp_path / "warehouse.duckdb"
    dbt_runner(BUILD_STAGING, db_path, tmp_path / "target", {"raw_data_dir": str(raw_dir)})

    assert staged_counts(db_path) == seed_run_counts
    assert seed_run_counts["stg_social__events"] > 0


def test_own_files_are_really_read(
    seed_run_counts: dict[str, int], tmp_path: Path, project_root: Path, dbt_runner: DbtRunner
) -> None:
    """Dropping rows from the user's events file changes the staged events accordingly."""
    raw_dir = tmp_path / "my_raw"
    export_seeds(project_root, raw_dir)
    events = raw_dir / "raw_events.parquet"
    with duckdb.connect() as con:
        con.execute(
            f"copy (select * from read_parquet('{events}') limit 1000)"
            f" to '{tmp_path / 'head.parquet'}' (format parquet)"
        )
    shutil.move(tmp_path / "head.parquet", events)
    db_path = tmp_path / "warehouse.duckdb"
    run_staging = ["run", "--select", "+path:models/staging"]
    dbt_runner(run_staging, db_path, tmp_path / "target", {"raw_data_dir": str(raw_dir)})

    counts = staged_counts(db_path)
    event_rows = (
        counts["stg_social__events"]
        + counts["stg_social__events_quarantine"]
        + counts["stg_social__events_duplicates"]
    )
    assert event_rows == 1000
    assert counts["stg_social__users"] == seed_run_counts["stg_social__users"]


def test_file_missing_a_column_fails_naming_file_and_column(
    tmp_path: Path, project_root: Path, dbt_runner: DbtRunner
) -> None:
    raw_dir = tmp_path / "my_raw"
    export_seeds(project_root, raw_dir, csv_tables=TABLES)
    events = raw_dir / "raw_events.csv"
    with duckdb.connect() as con:
        con.execute(
            f"copy (select * exclude (event_ts) from read_csv('{events}', all_varchar = true))"
            f" to '{tmp_path / 'events.csv'}' (header true)"
        )
    shutil.move(tmp_path / "events.csv", events)

    with pytest.raises(AssertionError) as failure:
        dbt_runner(
            ["run", "--select", "stg_social__events_validated"],
            tmp_path / "warehouse.duckdb",
            tmp_path / "target",
            {"raw_data_dir": str(raw_dir)},
        )
    message = " ".join(str(failure.value).split())
    assert f"{events} is missing required column(s): event_ts" in message


def test_missing_file_fails_naming_it(
    tmp_path: Path, project_root: Path, dbt_runner: DbtRunner
) -> None:
    raw_dir = tmp_path / "my_raw"
    export_seeds(project_root, raw_dir)
    (raw_dir / "raw_follows.parquet").unlink()

    with pytest.raises(AssertionError) as failure:
        dbt_runner(
            ["run", "--select", "stg_social__follows_validated"],
            tmp_path / "warehouse.duckdb",
            tmp_path / "target",
            {"raw_data_dir": str(raw_dir)},
        )
    message = " ".join(str(failure.value).split())
    assert f"neither {raw_dir}/raw_follows.parquet nor {raw_dir}/raw_follows.csv" in message
