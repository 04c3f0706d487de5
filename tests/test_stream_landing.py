"""The landing zone and its producer (issue 13): batches in ingestion order, atomic and
immutable files, a replay at a chosen speed, datagen's stream options, the sensor that
folds new batches in, and a broken batch named when it lands."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pyarrow as pa
import pytest
from conftest import PROJECT_ROOT, dbt_env, run_dbt
from dagster import DagsterInstance, SkipReason, validate_run_config
from stream_replay import (
    EVENT_COLUMNS,
    fake_staged_warehouse,
    landing_zone,
    sample_events,
    sensor_context,
)

from orchestration.definitions import defs
from orchestration.stream import landing_zone_sensor, stream_backfill_job
from stream.batching import Batch, split_at_random, split_by_period
from stream.landing import LandingZone
from stream.producer import produce

SEEDS = PROJECT_ROOT / "seeds"


def _events(*received: str) -> pa.Table:
    rows = {name: [f"{name}{i}" for i in range(len(received))] for name in EVENT_COLUMNS}
    rows["ingested_at"] = list(received)
    return pa.table(rows)


def test_periods_keep_every_row_once_in_ingestion_order() -> None:
    events = sample_events()
    batches = split_by_period(events, minutes=60)
    assert [b.batch_id for b in batches] == sorted(b.batch_id for b in batches)
    assert sum(b.rows.num_rows for b in batches) == events.num_rows
    ids = [i for b in batches for i in b.rows.column("event_id").to_pylist()]
    assert sorted(map(str, ids)) == sorted(map(str, events.column("event_id").to_pylist()))
    first = batches[1].rows.column("ingested_at").to_pylist()
    assert first == sorted(first) and all(v.startswith(batches[1].batch_id[:4]) for v in first)


def test_unparseable_receive_times_travel_with_their_neighbours() -> None:
    events = _events("2026-10-01 00:10:00.000", "garbage", "2026-10-01 01:05:00.000")
    batches = split_by_period(events, minutes=60)
    assert [(b.batch_id, b.rows.column("ingested_at").to_pylist()) for b in batches] == [
        ("20261001T0000Z", ["2026-10-01 00:10:00.000", "garbage"]),
        ("20261001T0100Z", ["2026-10-01 01:05:00.000"]),
    ]


def test_random_cuts_are_seeded() -> None:
    events = sample_events()
    first = split_at_random(events, batches=12, seed=3)
    again = split_at_random(events, batches=12, seed=3)
    other = split_at_random(events, batches=12, seed=4)
    sizes = [b.rows.num_rows for b in first]
    assert len(first) == 12 and sum(sizes) == events.num_rows and min(sizes) > 0
    assert sizes == [b.rows.num_rows for b in again]
    assert sizes != [b.rows.num_rows for b in other]
    with pytest.raises(ValueError, match="batches must be >= 1"):
        split_at_random(events, batches=0, seed=1)


def test_landing_is_atomic_and_never_overwrites(tmp_path: Path) -> None:
    zone = LandingZone(tmp_path)
    batch = Batch("20261001T0000Z", _events("2026-10-01 00:10:00.000"))
    path = zone.land(batch)
    (zone.events_dir / "_20261001T0100Z.csv").write_text("half a batch")
    assert zone.batch_ids() == ["20261001T0000Z"]
    assert zone.batch_path("20261001T0000Z") == path
    with pytest.raises(FileExistsError, match="already landed"):
        zone.land(batch)
    with pytest.raises(ValueError, match="batch id"):
        zone.land(Batch("../escape", batch.rows))


def _three_hour_source(tmp_path: Path) -> Path:
    source = tmp_path / "source"
    source.mkdir()
    for name in ("raw_users", "raw_tweets", "raw_follows", "raw_app_logs"):
        (source / f"{name}.csv").write_bytes((SEEDS / f"{name}.csv").read_bytes())
    events = _events(
        "2026-10-01 00:10:00.000", "2026-10-01 01:10:00.000", "2026-10-01 03:59:00.000"
    )
    pa.csv.write_csv(events, source / "raw_events.csv")
    return source


def test_follow_lands_each_batch_when_its_period_is_due(tmp_path: Path) -> None:
    source = _three_hour_source(tmp_path)
    waits: list[float] = []
    landed = produce(source, LandingZone(tmp_path / "zone"), 60, speed=3600, sleep=waits.append)
    assert [b.batch_id for b in landed] == ["20261001T0000Z", "20261001T0100Z", "20261001T0300Z"]
    # Due at 0 s, 1 s and 3 s of wall time (an hour per second). The fake sleep takes no
    # time, so each wait is its batch's due time; the first batch lands at once.
    assert len(waits) == 2 and 0.9 < waits[0] <= 1.0 and 2.9 < waits[1] <= 3.0
    assert (tmp_path / "zone" / "raw_users.csv").exists()


def test_follow_lands_the_backlog_at_once_then_follows(tmp_path: Path) -> None:
    source = _three_hour_source(tmp_path)
    waits: list[float] = []
    zone = LandingZone(tmp_path / "zone")
    landed = produce(source, zone, 60, speed=3600, sleep=waits.append, backlog_hours=2)
    assert len(landed) == 3
    # Hours 00 and 01 are history: no wait. Hour 03 is due 1 h after the backlog ends.
    assert len(waits) == 1 and 0.9 < waits[0] <= 1.0


def _datagen(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "datagen", "--users", "50", "--tweets", "100", "--days", "2",
         "--events", "3000", *args],
        cwd=PROJECT_ROOT, capture_output=True, text=True, check=False,
    )


def test_datagen_writes_a_landing_zone(tmp_path: Path) -> None:
    out, truth = tmp_path / "landing", tmp_path / "truth"
    done = _datagen("--out", str(out), "--truth-dir", str(truth), "--batch-minutes", "60")
    assert done.returncode == 0, done.stderr
    zone = LandingZone(out)
    assert len(zone.batch_ids()) > 24
    assert sorted(p.name for p in out.glob("raw_*.csv")) == [
        "raw_app_logs.csv", "raw_follows.csv", "raw_tweets.csv", "raw_users.csv"
    ]
    again = _datagen("--out", str(out), "--truth-dir", str(truth), "--batch-minutes", "60")
    assert again.returncode == 2 and "already holds event batches" in again.stderr
    alone = _datagen("--out", str(tmp_path / "x"), "--truth-dir", str(truth), "--follow")
    assert alone.returncode == 2 and "--follow needs --batch-minutes" in alone.stderr


def _skipped(result) -> bool:
    return isinstance(result, SkipReason) or (not result.run_requests and result.skip_reason)


def test_sensor_folds_in_pending_batches_once(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.delenv("SOCIAL_ML_RAW_DIR", raising=False)
    assert isinstance(landing_zone_sensor(sensor_context()), SkipReason)
    zone = LandingZone(tmp_path / "landing")
    for batch_id in ("20261001T0000Z", "20261001T0100Z", "20261001T0200Z"):
        zone.land(Batch(batch_id, _events("2026-10-01 00:10:00.000")))
    db = tmp_path / "warehouse.duckdb"
    monkeypatch.setenv("SOCIAL_ML_RAW_DIR", str(zone.root))
    monkeypatch.setenv("SOCIAL_ML_DB", str(db))

    # No warehouse yet: the first run builds everything and trains.
    first = landing_zone_sensor(sensor_context())
    assert [r.job_name for r in first.run_requests] == ["full_refresh_job"]
    assert first.cursor == "20261001T0200Z"

    # Batch 0200 staged, 0100 landed late (out of order): a stream run covers it.
    fake_staged_warehouse(db, ["20261001T0000Z", "20261001T0200Z"], trained=True)
    late = landing_zone_sensor(sensor_context(cursor="20261001T0200Z"))
    request = late.run_requests[0]
    assert request.job_name == "stream_batch_job" and late.cursor == "20261001T0100Z"
    assert request.tags["stream/batches"] == "1"
    # The staged ingestion day becomes a partition of the backfill job, once.
    [days] = late.dynamic_partitions_requests
    assert days.partitions_def_name == "ingestion_days"
    assert list(days.partition_keys) == ["2026-10-01"]
    instance = DagsterInstance.ephemeral()
    instance.add_dynamic_partitions("ingestion_days", ["2026-10-01"])
    again = landing_zone_sensor(sensor_context(cursor=late.cursor, instance=instance))
    assert _skipped(again) and not again.dynamic_partitions_requests

    db.unlink()
    fake_staged_warehouse(db, ["20261001T0000Z", "20261001T0100Z", "20261001T0200Z"], trained=True)
    assert _skipped(landing_zone_sensor(sensor_context()))


def test_backfill_job_restages_its_day() -> None:
    job = defs.resolve_job_def(stream_backfill_job.name)
    assert job.partitions_def.name == "ingestion_days"
    config = job.partitioned_config.get_run_config_for_partition_key("2026-10-05")
    validate_run_config(job, config)  # every op it configures is in the job
    [dbt_step] = config["ops"].values()
    assert json.loads(dbt_step["config"]["vars"]) == {"stream_restage_day": "2026-10-05"}


def test_a_broken_batch_is_named_when_it_lands(tmp_path: Path) -> None:
    zone = LandingZone(tmp_path / "landing")
    zone.land_dimensions(SEEDS)
    zone.land(Batch("b1", _events("2026-10-01 00:10:00.000")))
    (zone.events_dir / "b2.csv").write_text(
        ",".join(EVENT_COLUMNS) + '\ne1,"2026-10-01 00:10:00.000,x\n'
    )
    result = subprocess.run(
        [str(Path(sys.executable).parent / "dbt"), "build", "--select", "raw_events",
         "--vars", f"{{raw_data_dir: '{zone.root}'}}"],
        cwd=PROJECT_ROOT, env=dbt_env(tmp_path / "w.duckdb", tmp_path / "target"),
        capture_output=True, text=True, check=False,
    )
    assert result.returncode != 0
    assert f"Raw input {zone.events_dir / 'b2.csv'} is not readable" in result.stdout


def test_a_batch_landing_during_a_run_is_left_to_the_next(tmp_path: Path) -> None:
    """A run folds in what had landed when it staged; a batch landing after that (while
    the run's tests go on) must not fail the raw-vs-staged reconcile: it is the next
    run's. Found by bench.stream_follow, whose producer lands batches mid-run."""
    batches = split_by_period(sample_events(), minutes=7 * 24 * 60)
    zone = landing_zone(tmp_path / "landing")
    zone.land(batches[0])
    db, target = tmp_path / "w.duckdb", tmp_path / "target"
    dbt_vars = {"raw_data_dir": str(zone.root)}
    run_dbt(["run", "--select", "+stg_social__events", "+stg_social__events_quarantine",
             "+stg_social__events_duplicates"], db, target, dbt_vars)  # fmt: skip
    zone.land(batches[1])
    run_dbt(["test", "--select", "assert_raw_events_reconcile"], db, target, dbt_vars)
