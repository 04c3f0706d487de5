"""Helpers for the stream tests: replay raw events into a landing zone batch by batch,
and compare two warehouses table by table."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pyarrow as pa
from conftest import PROJECT_ROOT, run_dbt

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
# The intermediate steps run the stream's incremental models; the parents they read
# (dimensions, detected formats) were built by the first step.
STREAM_STEP = ["run", "--select", "tag:stream"]
FIRST_STEP = ["build", "--select", "+tag:stream", "--exclude", "resource_type:test",
              "resource_type:unit_test"]


def sample_events() -> pa.Table:
    """The checked-in raw events, every column as text."""
    return read_raw_events(SEEDS)


def landing_zone(root: Path) -> LandingZone:
    zone = LandingZone(root)
    zone.land_dimensions(SEEDS)
    return zone


def replay(
    zone: LandingZone, batches: list[Batch], db: Path, target: Path, dbt_vars: dict
) -> None:
    """Land each batch and fold it in with the stream's incremental models."""
    for index, batch in enumerate(batches):
        zone.land(batch)
        run_dbt(FIRST_STEP if index == 0 else STREAM_STEP, db, target, dbt_vars)


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
