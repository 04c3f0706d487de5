"""Which engagements count as relevant in the ranking evaluation: those at or after
the cut-off and, with a horizon, strictly before cut-off + horizon."""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path

import duckdb
import pytest

from ml.evaluate import relevant_items

CUTOFF = datetime(2026, 10, 21)


@pytest.fixture
def con(tmp_path: Path):
    connection = duckdb.connect(str(tmp_path / "w.duckdb"))
    connection.execute("create schema marts")
    connection.execute(
        "create table marts.fct_engagements (user_id bigint, tweet_id bigint,"
        " event_at timestamp, is_engagement boolean, is_bot_user boolean)"
    )
    rows = [
        (1, 10, CUTOFF - timedelta(seconds=1), True, False),  # before: never relevant
        (1, 11, CUTOFF, True, False),  # at the cut-off: relevant
        (1, 12, CUTOFF + timedelta(hours=23, minutes=59), True, False),
        (1, 13, CUTOFF + timedelta(hours=24), True, False),  # at the horizon: excluded
        (1, 14, CUTOFF + timedelta(hours=1), False, False),  # an impression
        (2, 15, CUTOFF + timedelta(hours=1), True, True),  # a bot
    ]
    connection.executemany("insert into marts.fct_engagements values (?, ?, ?, ?, ?)", rows)
    yield connection
    connection.close()


def test_without_horizon_everything_after_the_cutoff_counts(con) -> None:
    assert relevant_items(con, CUTOFF, exclude_bots=True) == {1: {11, 12, 13}}


def test_horizon_is_half_open(con) -> None:
    assert relevant_items(con, CUTOFF, exclude_bots=True, horizon_hours=24) == {1: {11, 12}}


def test_bots_count_only_when_asked(con) -> None:
    assert relevant_items(con, CUTOFF, exclude_bots=False, horizon_hours=24) == {
        1: {11, 12},
        2: {15},
    }
