"""Staging finds exactly the dirt the generator planted in the checked-in sample.

`python -m datagen` records how many rows of each kind of dirt it wrote
(ground_truth/dirt_counts.csv) and which users are bots (users_truth.csv). The models
never read these files; this test builds staging and the bot flags on the seeds and
checks every quarantine reason, the duplicates, late arrivals and bots against them.
"""

from __future__ import annotations

import csv
import subprocess
from collections.abc import Callable, Iterator
from pathlib import Path

import duckdb
import pytest

DbtRunner = Callable[..., subprocess.CompletedProcess[str]]

# datagen's dirt kind -> the staged reason that must count exactly those rows.
EVENT_REASONS = {
    "unknown_types": "unknown_event_type",
    "missing_users": "missing_user",
    "unknown_users": "unknown_user",
    "malformed_timestamps": "malformed_timestamp",
    "future_skew": "future_timestamp",
    "unknown_tweets": "unknown_tweet",
    "deleted_tweet_events": "deleted_tweet",
}


@pytest.fixture(scope="module")
def warehouse(
    tmp_path_factory: pytest.TempPathFactory, dbt_runner: DbtRunner, project_root: Path
) -> Iterator[duckdb.DuckDBPyConnection]:
    """A read-only connection to staging + bot flags built from the seeds."""
    if not (project_root / "ground_truth" / "dirt_counts.csv").exists():
        pytest.fail("ground_truth/ is missing: run `make seeds` to regenerate the sample")
    work = tmp_path_factory.mktemp("dirt")
    dbt_runner(
        [
            "build",
            "--resource-type",
            "seed",
            "--resource-type",
            "model",
            "--select",
            "+int_users_bot_flagged",
            "+stg_social__app_logs",
            "+stg_social__app_logs_quarantine",
            "+stg_social__events_duplicates",
            "+stg_social__events_quarantine",
        ],
        work / "warehouse.duckdb",
        work / "target",
    )
    con = duckdb.connect(str(work / "warehouse.duckdb"), read_only=True)
    yield con
    con.close()


@pytest.fixture(scope="module")
def dirt(project_root: Path) -> dict[str, int]:
    with (project_root / "ground_truth" / "dirt_counts.csv").open() as handle:
        return {row["kind"]: int(row["rows"]) for row in csv.DictReader(handle)}


def count(con: duckdb.DuckDBPyConnection, sql: str) -> int:
    return con.execute(sql).fetchall()[0][0]


def test_clean_events_and_duplicates(
    warehouse: duckdb.DuckDBPyConnection, dirt: dict[str, int]
) -> None:
    clean = count(warehouse, "select count(*) from staging.stg_social__events")
    duplicates = count(warehouse, "select count(*) from staging.stg_social__events_duplicates")
    assert clean == dirt["clean_events"]
    assert duplicates == dirt["duplicates"]


@pytest.mark.parametrize(("kind", "reason"), sorted(EVENT_REASONS.items()))
def test_each_kind_of_dirt_gets_its_reason(
    warehouse: duckdb.DuckDBPyConnection, dirt: dict[str, int], kind: str, reason: str
) -> None:
    quarantined = count(
        warehouse,
        "select count(*) from staging.stg_social__events_quarantine"
        f" where quarantine_reason = '{reason}'",
    )
    assert quarantined == dirt[kind]


def test_late_arrivals_are_kept_and_flagged(
    warehouse: duckdb.DuckDBPyConnection, dirt: dict[str, int]
) -> None:
    late = count(
        warehouse, "select count(*) from staging.stg_social__events where is_late_arrival"
    )
    assert late == dirt["late_arrivals"]


def test_malformed_log_lines_are_quarantined(
    warehouse: duckdb.DuckDBPyConnection, dirt: dict[str, int]
) -> None:
    assert count(warehouse, "select count(*) from staging.stg_social__app_logs_quarantine") == (
        dirt["malformed_log_lines"]
    )
    assert count(warehouse, "select count(*) from staging.stg_social__app_logs") == (
        dirt["log_lines"] - dirt["malformed_log_lines"]
    )


def test_bot_flags_match_the_simulated_bots(
    warehouse: duckdb.DuckDBPyConnection, dirt: dict[str, int], project_root: Path
) -> None:
    truth = project_root / "ground_truth" / "users_truth.csv"
    mismatched = count(
        warehouse,
        "select count(*) from intermediate.int_users_bot_flagged as flags"
        f" inner join read_csv('{truth}') as truth on flags.user_id = truth.user_id"
        " where flags.is_bot != truth.is_bot",
    )
    assert mismatched == 0
    bot_events = count(
        warehouse,
        "select count(*) from staging.stg_social__events as events"
        " inner join intermediate.int_users_bot_flagged as flags"
        " on events.user_id = flags.user_id where flags.is_bot",
    )
    assert bot_events == dirt["bot_events"]
