"""Freshness of the stream, shown on the staged-events asset after each dbt build: rows
per batch staged, the latest event time in the warehouse, and the lag from a batch
landing to the marts that include it."""

from __future__ import annotations

from datetime import UTC, datetime

import duckdb
from dagster import MetadataValue

from stream.landing import LandingZone

VALIDATED = "staging.stg_social__events_validated"


def freshness_metadata(
    con: duckdb.DuckDBPyConnection, load_id: str, zone: LandingZone | None
) -> dict[str, object]:
    """What one dbt invocation staged: rows per batch, the latest event time now in the
    warehouse and, in a landing zone, the lag from a batch landing (its file's time) to
    its rows being staged and the marts rebuilt (p50/p99 over rows, seconds)."""
    per_batch = con.execute(
        f"""
        select batch_id, count(*), count(*) filter (row_status = 'clean'),
               count(*) filter (quarantine_reason = 'too_late')
        from {VALIDATED} where load_id = ? group by batch_id order by batch_id
        """,
        [load_id],
    ).fetchall()
    latest = con.execute(
        f"select max(event_at) from {VALIDATED} where row_status = 'clean'"
    ).fetchone()
    metadata: dict[str, object] = {
        "stream/batches_staged": len(per_batch),
        "stream/rows_per_batch": MetadataValue.json(
            {b: {"rows": r, "clean": c, "too_late": t} for b, r, c, t in per_batch[-50:]}
        ),
    }
    if latest and latest[0] is not None:
        metadata["stream/latest_event_at"] = str(latest[0])
    lags = _landing_lags(zone, [(b, r) for b, r, _, _ in per_batch]) if zone else []
    if lags:
        metadata["stream/landing_to_marts_lag_p50_s"] = round(_row_quantile(lags, 0.5), 3)
        metadata["stream/landing_to_marts_lag_p99_s"] = round(_row_quantile(lags, 0.99), 3)
    return metadata


def _landing_lags(zone: LandingZone, batches: list[tuple[str, int]]) -> list[tuple[float, int]]:
    """(seconds since the batch file landed, its rows) for the batches still on disk."""
    now = datetime.now(UTC).timestamp()
    out = []
    for batch_id, rows in batches:
        path = zone.batch_path(batch_id)
        if path is not None:
            out.append((now - path.stat().st_mtime, rows))
    return out


def _row_quantile(lags: list[tuple[float, int]], q: float) -> float:
    """The q-quantile of a lag over rows, each batch's lag counted once per row."""
    ordered = sorted(lags)
    total = sum(rows for _, rows in ordered)
    seen = 0
    for lag, rows in ordered:
        seen += rows
        if seen >= q * total:
            return lag
    return ordered[-1][0]
