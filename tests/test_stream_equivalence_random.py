"""Incremental = full refresh (DESIGN rule 3, issue 13), second replay: random batches
landed out of order, one delivered twice, the rest on the stream's hot path, then a
backfill of one day (see tests/test_stream_equivalence.py for the rule). A file of its
own so `make test` can run it beside the first replay.
"""

from __future__ import annotations

import os
from pathlib import Path

import duckdb
import pytest
from stream_replay import (
    HOT_PATH_STEP,
    STREAM_STEP,
    STREAM_VARS,
    assert_same,
    build_full_refresh,
    full_refresh_with_split,
    landing_zone,
    replay,
    run_dbt,
    sample_events,
    spanning,
    table_rows,
)

from stream.batching import split_at_random

pytestmark = pytest.mark.long

@pytest.fixture(scope="module")
def full_refresh(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_full_refresh(tmp_path_factory.mktemp("full_refresh"))


def restage_day(db: Path) -> tuple[str, set[str]]:
    """A day for a backfill to stage again (that of the earliest ingested_at of the
    largest batch), and the loads that staged the rows now in the warehouse."""
    con = duckdb.connect(str(db), read_only=True)
    try:
        (day,) = con.execute(
            "select cast(min(ingested_at) as date) from staging.stg_social__events_validated"
            " group by batch_id order by count(*) desc, batch_id limit 1"
        ).fetchone()
        loads = {load for (load,) in con.execute(
            "select distinct load_id from staging.stg_social__events_validated"
        ).fetchall()}
    finally:
        con.close()
    return day.isoformat(), loads


def restaged_rows(db: Path, day: str, earlier_loads: set[str]) -> int:
    """Rows of `day`'s batches that a load newer than `earlier_loads` wrote."""
    con = duckdb.connect(str(db), read_only=True)
    try:
        rows = con.execute(
            "select load_id from staging.stg_social__events_validated where batch_id in ("
            " select batch_id from staging.stg_social__events_validated group by batch_id"
            " having cast(min(ingested_at) as date) = cast(? as date))", [day]
        ).fetchall()
    finally:
        con.close()
    return sum(1 for (load,) in rows if load not in earlier_loads)


def test_random_batches_out_of_order_and_twice_equal_full_refresh(
    tmp_path: Path, full_refresh
) -> None:
    batches = split_at_random(sample_events(), batches=10, seed=20261205)
    redelivered, _ = spanning(batches)
    assert redelivered > 0
    # Batch 6 reaches the landing zone before batch 5.
    arrival = [*batches[:4], batches[5], batches[4], *batches[6:]]

    db = tmp_path / "warehouse.duckdb"
    target = tmp_path / "target"
    zone = landing_zone(tmp_path / "landing")
    dbt_vars = {**STREAM_VARS, "raw_data_dir": str(zone.root)}
    replay(zone, arrival[:3], db, target, dbt_vars)
    before = table_rows(db)
    # Batch 3 delivered again, byte for byte, under its own id: nothing changes.
    again = zone.events_dir / f"{batches[2].batch_id}.csv"
    os.replace(again, again.with_name("_again.csv"))
    os.replace(again.with_name("_again.csv"), again)
    run_dbt(["run", "--select", "tag:stream"], db, target, dbt_vars)
    assert_same(table_rows(db), before)

    # The rest on the stream's hot path: the training set waits for the next step.
    replay(zone, arrival[3:], db, target, dbt_vars, step=HOT_PATH_STEP)
    # A backfill of a day stages its batches again (their rows are rewritten), and
    # nothing changes; the training set folds in every batch it missed.
    day, loads = restage_day(db)
    run_dbt(STREAM_STEP, db, target, {**dbt_vars, "stream_restage_day": day})
    assert restaged_rows(db, day, loads) > 0
    # The rest of the graph (raw views included), without its data tests.
    run_dbt(
        ["build", "--exclude", "tag:stream", "resource_type:test", "resource_type:unit_test"],
        db, target, dbt_vars,
    )
    assert_same(table_rows(db), full_refresh_with_split(full_refresh, db, tmp_path, STREAM_VARS))
