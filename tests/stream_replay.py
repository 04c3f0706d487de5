"""Helpers for the stream tests: replay raw events into a landing zone batch by batch,
and compare two warehouses table by table."""

from __future__ import annotations

import shutil
from pathlib import Path

import duckdb
import pyarrow as pa
import pyarrow.compute
import pyarrow.csv
from conftest import PROJECT_ROOT, run_dbt
from dagster import DagsterInstance, build_sensor_context

from stream.batching import Batch
from stream.landing import LandingZone
from stream.producer import read_raw_events

SEEDS = PROJECT_ROOT / "seeds"
EVENT_COLUMNS = (
    "event_id", "event_ts", "ingested_at", "user_id", "tweet_id", "event_type", "position",
    "client",
)
# Compared in every warehouse: the dbt layers (ml and the stream bookkeeping aside).
SCHEMAS = ("raw", "staging", "intermediate", "marts")
# Provenance, not data: which batch a row came in and which run wrote it; when the ML
# split was recorded (wall clock) and the settings fingerprint it was recorded under
# (it names the input directory). The split itself is compared.
BOOKKEEPING = {"batch_id", "load_id"}
BOOKKEEPING_BY_TABLE = {"int_ml_time_windows": {"recorded_at", "split_settings"}}
# The intermediate steps run the stream's incremental models and every model between two
# of them (the split and the feature requests the point-in-time chain reads); the parents
# outside the stream (dimensions, detected formats) were built by the first step.
STREAM_STEP = ["run", "--select", "tag:stream+,+tag:stream"]
# The stream's hot path leaves the training set to its monitoring cadence (selectors.yml):
# a later step that builds it must fold in every batch it missed.
HOT_PATH_STEP = [*STREAM_STEP, "--exclude", "feat_training_set"]
# The split columns of int_ml_time_windows a stream records at its first build.
SPLIT_COLUMNS = (
    "label_horizon_hours", "label_horizon_rule", "validation_start_at", "test_start_at",
    "window_unit", "test_units", "validation_units", "test_window_rule",
    "validation_window_rule", "recorded_at",
)
FIRST_STEP = ["build", "--select", "+tag:stream", "--exclude", "resource_type:test",
              "resource_type:unit_test"]


# Fixed clock (the run's start would move ingested_in_future between runs); a lateness
# below the generator's ~75 h delays, so some events are too_late.
STREAM_VARS = {"ingestion_clock": "2026-12-01 00:00:00", "allowed_lateness_hours": 48}
FULL_BUILD = ["build", "--exclude", "resource_type:unit_test"]


def build_full_refresh(root: Path) -> Path:
    """One full build of the sample (the seeds, no landing zone) under STREAM_VARS: its
    warehouse, which the replays are compared against."""
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


def sample_events() -> pa.Table:
    """The checked-in raw events, every column as text."""
    return read_raw_events(SEEDS)


def landing_zone(root: Path) -> LandingZone:
    zone = LandingZone(root)
    zone.land_dimensions(SEEDS)
    return zone


def replay(
    zone: LandingZone, batches: list[Batch], db: Path, target: Path, dbt_vars: dict,
    step: list[str] = STREAM_STEP,
) -> None:
    """Land each batch and fold it in with the stream's incremental models (`step`; the
    first batch of an empty warehouse builds their parents too)."""
    for batch in batches:
        zone.land(batch)
        run_dbt(step if db.exists() else FIRST_STEP, db, target, dbt_vars)


def full_refresh_with_split(
    full_db: Path, replayed_db: Path, root: Path, dbt_vars: dict
) -> dict[str, pa.Table]:
    """A full refresh under the split the replay recorded at its first batch (a stream
    keeps its split while the data still fits it, int_ml_time_windows): a copy of
    `full_db` takes that split, and everything downstream of it is built again."""
    db = root / "full_refresh.duckdb"
    shutil.copyfile(full_db, db)
    read = duckdb.connect(str(replayed_db), read_only=True)
    try:
        split = read.execute(
            f"select {', '.join(SPLIT_COLUMNS)} from intermediate.int_ml_time_windows"
        ).fetchone()
    finally:
        read.close()
    con = duckdb.connect(str(db))
    try:
        assignments = ", ".join(f"{column} = ?" for column in SPLIT_COLUMNS)
        con.execute(f"update intermediate.int_ml_time_windows set {assignments}", list(split))
    finally:
        con.close()
    run_dbt(["build", "--select", "int_ml_time_windows+", "--exclude", "resource_type:unit_test"],
            db, root / "target", dbt_vars)
    return table_rows(db)


def late_engagement_apart(batches: list[Batch]) -> tuple[list[Batch], str]:
    """The batches with one engagement moved into a batch of its own, landed last: a
    human's only engagement with a tweet, 10 minutes to 2 hours (less than a label
    horizon) after their impression of it, which stays where it was. The late batch
    changes nothing but that impression's label and later features, the label of a
    request older than anything the batch brings (the case the point-in-time chain's
    recompute time, the earliest change minus the horizon, exists for). Also its event id."""
    con = duckdb.connect()
    try:
        for index, batch in enumerate(batches):
            con.register(f"b{index}", batch.rows)
        con.register("humans", pa.csv.read_csv(PROJECT_ROOT / "ground_truth" / "users_truth.csv"))
        union = " union all ".join(
            f"select *, {i} as batch from b{i}" for i in range(len(batches))
        )
        (event_id,) = con.execute(f"""
            with events as (
                select event_id, user_id, tweet_id, event_type, batch,
                       try_cast(event_ts as timestamp) as happened
                from ({union})
            ),
            engagements as (
                select * from events where event_type not in ('impression', 'negative_feedback')
            ),
            only_engagements as (
                select user_id, tweet_id from engagements group by all having count(*) = 1
            )
            select engagements.event_id
            from engagements
            inner join only_engagements using (user_id, tweet_id)
            inner join events as impressions
                on impressions.user_id = engagements.user_id
                and impressions.tweet_id = engagements.tweet_id
                and impressions.event_type = 'impression'
            inner join humans on cast(humans.user_id as varchar) = engagements.user_id
            where not humans.is_bot
                and impressions.batch <= engagements.batch
                and engagements.batch between 2 and {len(batches) - 2}
                and engagements.happened
                    between impressions.happened + interval 10 minute
                    and impressions.happened + interval 2 hour
            order by engagements.event_id
            limit 1
        """).fetchone()
    finally:
        con.close()
    moved = [
        Batch(b.batch_id, b.rows.filter(pa.compute.not_equal(b.rows["event_id"], event_id)))
        for b in batches
    ]
    alone = [
        b.rows.filter(pa.compute.equal(b.rows["event_id"], event_id)) for b in batches
    ]
    late = Batch(batches[-1].batch_id + "_late", pa.concat_tables(alone))
    return [*moved, late], event_id


def table_rows(db: Path) -> dict[str, pa.Table]:
    """Every relation of SCHEMAS, without the bookkeeping columns, read into memory."""
    con = duckdb.connect(str(db), read_only=True)
    try:
        names = con.execute(
            "select table_schema, table_name from information_schema.tables"
            f" where table_schema in {SCHEMAS!r}"
        ).fetchall()
        out = {}
        for schema, name in names:
            columns = [
                c for (c,) in con.execute(
                    "select column_name from information_schema.columns where table_schema = ?"
                    " and table_name = ? order by ordinal_position", [schema, name]
                ).fetchall()
                if c not in BOOKKEEPING and c not in BOOKKEEPING_BY_TABLE.get(name, ())
            ]
            quoted = ", ".join(f'"{c}"' for c in columns)
            relation = con.sql(f'select {quoted} from "{schema}"."{name}"')
            out[f"{schema}.{name}"] = relation.to_arrow_table()
        return out
    finally:
        con.close()


def differences(left: dict[str, pa.Table], right: dict[str, pa.Table]) -> dict[str, str]:
    """Per relation, what EXCEPT ALL finds in either direction (empty when identical)."""
    found = {}
    for name in sorted(set(left) | set(right)):
        if name not in left or name not in right:
            found[name] = "only in " + ("left" if name in left else "right")
            continue
        con = duckdb.connect()
        con.register("a", left[name])
        con.register("b", right[name])
        only_left = con.execute("select * from a except all select * from b").fetchall()
        only_right = con.execute("select * from b except all select * from a").fetchall()
        columns = left[name].column_names
        con.close()
        if only_left or only_right:
            found[name] = (
                f"{len(only_left)} row(s) only in the replay, {len(only_right)} only in the"
                f" full refresh; e.g. {[dict(zip(columns, r, strict=True)) for r in only_left[:2]]}"
                f" vs {[dict(zip(columns, r, strict=True)) for r in only_right[:2]]}"
            )
    return found


def assert_same(replayed: dict[str, pa.Table], full: dict[str, pa.Table]) -> None:
    found = differences(replayed, full)
    assert not found, "tables differ:\n" + "\n".join(f"{k}: {v}" for k, v in found.items())


def sensor_context(cursor: str | None = None, instance: DagsterInstance | None = None):
    """A sensor's evaluation context over its own ephemeral instance, unless given one."""
    return build_sensor_context(cursor=cursor, instance=instance or DagsterInstance.ephemeral())


def fake_staged_warehouse(path: Path, staged: list[str], trained: bool) -> None:
    """A warehouse holding only what the stream's sensors read: the staged batches (their
    ingestion hour as the batch id) and whether a model is registered."""
    con = duckdb.connect(str(path))
    con.execute("create schema staging; create schema ml")
    con.execute(
        "create table staging.stg_social__events_validated"
        " (batch_id varchar, ingested_at timestamp)"
    )
    # Batch ids here are their ingestion hour, as split_by_period names them.
    con.executemany(
        "insert into staging.stg_social__events_validated"
        " values (?, strptime(?, '%Y%m%dT%H%MZ'))",
        [[b, b] for b in staged],
    )
    con.execute("create table ml.model_registry (passed_quality_gate boolean)")
    if trained:
        con.execute("insert into ml.model_registry values (true)")
    con.close()
