"""Incremental = full refresh (DESIGN rule 3, issue 13).

The sample's raw events are replayed into a landing zone batch by batch, each batch folded
in by the stream's incremental models; the warehouse that results must hold exactly the
rows of one full refresh of the sample (EXCEPT ALL both ways, every relation of the dbt
layers; the bookkeeping columns batch_id and load_id aside). Late arrivals and
redeliveries span batches (asserted, so the test can fail for the right reason), and the
allowed lateness is set below the sample's largest delay so too_late rows exist.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from stream_replay import (
    FULL_BUILD,
    STREAM_VARS,
    assert_same,
    build_full_refresh,
    full_refresh_with_split,
    landing_zone,
    late_engagement_apart,
    replay,
    run_dbt,
    sample_events,
    spanning,
    table_rows,
)

from stream.batching import split_by_period

pytestmark = pytest.mark.long

@pytest.fixture(scope="module")
def full_refresh(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_full_refresh(tmp_path_factory.mktemp("full_refresh"))


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
