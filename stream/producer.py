"""A producer for the landing zone: raw files cut into ingestion-period batches, landed at
once or replayed at a chosen speed like a live topic (`python -m datagen --batch-minutes`)."""

from __future__ import annotations

import time
from collections.abc import Callable
from csv import reader
from datetime import UTC, datetime
from pathlib import Path

import pyarrow as pa
import pyarrow.csv as pacsv
import pyarrow.parquet as pq

from stream.batching import Batch, split_by_period
from stream.landing import LandingZone


def read_raw_events(source_dir: Path) -> pa.Table:
    """raw_events.parquet or .csv from `source_dir`, every column as text."""
    parquet, csv = source_dir / "raw_events.parquet", source_dir / "raw_events.csv"
    if parquet.exists():
        table = pq.read_table(parquet)
        return table.cast(pa.schema([(f.name, pa.string()) for f in table.schema]))
    if csv.exists():
        with csv.open(newline="", encoding="utf-8-sig") as handle:
            header = next(reader(handle), [])
        return pacsv.read_csv(
            csv,
            parse_options=pacsv.ParseOptions(newlines_in_values=True),
            # An empty cell stays empty (written back unquoted), as dbt's seed loader reads it.
            convert_options=pacsv.ConvertOptions(
                column_types=dict.fromkeys(header, pa.string()), strings_can_be_null=True
            ),
        )
    raise FileNotFoundError(f"{source_dir} has neither raw_events.parquet nor raw_events.csv")


def produce(
    source_dir: Path,
    zone: LandingZone,
    batch_minutes: int,
    fmt: str = "csv",
    speed: float | None = None,
    report: Callable[[Batch, Path], None] | None = None,
    sleep: Callable[[float], None] = time.sleep,
    backlog_hours: float = 0.0,
) -> list[Batch]:
    """Land the whole-file tables, then every event batch in ingestion order.

    With `speed` (simulated seconds per wall-clock second), batch k lands when its period
    start, minus the first one's, has elapsed at that speed; without it, all land at once.
    The batches of the first `backlog_hours` land at once: the history a live system
    already holds when the stream starts (a model needs some to train on), then the
    rest follow at `speed`.
    """
    if zone.batch_ids():
        raise FileExistsError(
            f"{zone.events_dir} already holds batches; produce into an empty landing zone"
        )
    if speed is not None and speed <= 0:
        raise ValueError(f"speed must be > 0 simulated seconds per second, got {speed}")
    if backlog_hours < 0:
        raise ValueError(f"backlog_hours must be >= 0, got {backlog_hours}")
    batches = split_by_period(read_raw_events(source_dir), batch_minutes)
    zone.land_dimensions(source_dir)
    started = time.monotonic()
    live_from = (_period_start(batches[0]) if batches else 0.0) + backlog_hours * 3600
    for batch in batches:
        if speed is not None:
            due = max(0.0, _period_start(batch) - live_from) / speed
            wait = due - (time.monotonic() - started)
            if wait > 0:
                sleep(wait)
        path = zone.land(batch, fmt)
        if report is not None:
            report(batch, path)
    return batches


def _period_start(batch: Batch) -> float:
    """Seconds since the epoch of a period batch id such as 20261001T0300Z."""
    return datetime.strptime(batch.batch_id, "%Y%m%dT%H%MZ").replace(tzinfo=UTC).timestamp()
