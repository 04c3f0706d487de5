"""Incremental = full refresh (DESIGN rule 3, issue 13).

The sample's raw events are replayed into a landing zone batch by batch, each batch folded
in by the stream's incremental models; the warehouse that results must hold exactly the
rows of one full refresh of the sample (EXCEPT ALL both ways, every relation of the dbt
layers; the bookkeeping columns batch_id and load_id aside). Late arrivals and
redeliveries span batches (asserted, so the test can fail for the right reason), and the
allowed lateness is set below the sample's largest delay so too_late rows exist.
"""

from __future__ import annotations

import os
from pathlib import Path

import duckdb
import pytest
from conftest import run_dbt
from stream_replay import (
    HOT_PATH_STEP,
    STREAM_STEP,
    assert_same,
    full_refresh_with_split,
    landing_zone,
    late_engagement_apart,
    replay,
    sample_events,
    table_rows,
)

from stream.batching import split_at_random, split_by_period

pytestmark = pytest.mark.long

# Fixed clock (the run's start would move ingested_in_future between runs); a lateness
# below the generator's ~75 h delays, so some events are too_late.
STREAM_VARS = {"ingestion_clock": "2026-12-01 00:00:00", "allowed_lateness_hours": 48}
FULL_BUILD = ["build", "--exclude", "resource_type:unit_test"]


@pytest.fixture(scope="module")
def full_refresh(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One full build of the sample (the seeds, no landing zone): its warehouse."""
    root = tmp_path_factory.mktemp("full_refresh")
    db = root / "warehouse.duckdb"
    run_dbt(FULL_BUILD, db, root / "target", STREAM_VARS)
    reasons = duckdb.connect(str(db), read_only=True).execute(
        "select count(*) from staging.stg_social__events_quarantine"
        " where quarantine_reason = 'too_late'"
    ).fetchone()[0]
    assert reasons > 0, "the sample should have too_late events at 48 h of allowed lateness"
    return db


def spanning(batches) -> tuple[int, int]:
    """(event ids delivered in two batches or more, events that happened before their
    batch opened, i.e. late into windows an earlier batch already built): the cases a
    replay must get right."""
    con = duckdb.connect()
    for index, batch in enumerate(batches):
        con.register(f"b{index}", batch.rows)
    union = " union all ".join(
        f"select event_id, event_ts, ingested_at, {i} as batch from b{i}"
        for i in range(len(batches))
    )
    redelivered = con.execute(
        f"select count(*) from (select event_id from ({union}) where event_id is not null"
        " group by event_id having count(distinct batch) > 1)"
    ).fetchone()[0]
    late = con.execute(
        f"""
        with received as (
            select batch, try_cast(event_ts as timestamp) as happened,
                   try_cast(ingested_at as timestamp) as received_at
            from ({union})
        ),
        opened as (select batch, min(received_at) as opened_at from received group by batch)
        select count(*) from received inner join opened using (batch)
        where received.batch > 0 and received.happened < opened.opened_at
        """
    ).fetchone()[0]
    con.close()
    return redelivered, late


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


# Each replay takes minutes: under pytest-xdist they may run on different workers (each
# then builds its own full refresh).
@pytest.mark.xdist_group("stream_equivalence_periods")
def test_replay_in_ingestion_periods_equals_full_refresh(tmp_path: Path, full_refresh) -> None:
    batches, _ = late_engagement_apart(split_by_period(sample_events(), minutes=72 * 60))
    assert len(batches) >= 10
    redelivered, late = spanning(batches)
    assert redelivered > 0 and late > 0, (redelivered, late)

    db = tmp_path / "warehouse.duckdb"
    zone = landing_zone(tmp_path / "landing")
    dbt_vars = {**STREAM_VARS, "raw_data_dir": str(zone.root)}
    replay(zone, batches, db, tmp_path / "target", dbt_vars)
    # Then the whole graph once, data tests included, on the replayed warehouse.
    run_dbt(FULL_BUILD, db, tmp_path / "target", dbt_vars)

    assert_same(table_rows(db), full_refresh_with_split(full_refresh, db, tmp_path, STREAM_VARS))


@pytest.mark.xdist_group("stream_equivalence_random")
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
