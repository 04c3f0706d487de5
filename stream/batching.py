"""Cutting a raw events table into batches in ingestion order, as a topic consumer sees it.

Every row keeps its raw text; only the order and the cut points come from `ingested_at`.
A row whose `ingested_at` does not parse stays where it stood in the file (it takes the
receive time of the row before it), so hostile rows travel with their neighbours.
"""

from __future__ import annotations

from dataclasses import dataclass

import duckdb
import numpy as np
import pyarrow as pa

# The raw timestamp encodings of docs/raw_data_contract.md, as DuckDB reads them.
_RECEIVED_AT = """
    coalesce(
        try_cast(try_cast(trim(ingested_at) as timestamptz) as timestamp),
        case when regexp_full_match(trim(ingested_at), '-?[0-9]{12,14}')
            then make_timestamp(cast(trim(ingested_at) as bigint) * 1000) end,
        case when regexp_full_match(trim(ingested_at), '-?[0-9]{1,11}([.][0-9]{1,9})?')
            then to_timestamp(cast(trim(ingested_at) as double))::timestamp end
    )
"""


@dataclass(frozen=True)
class Batch:
    """One landing-zone batch: its id (sorts in ingestion order) and its raw rows."""

    batch_id: str
    rows: pa.Table


def in_ingestion_order(events: pa.Table) -> pa.Table:
    """The rows sorted by receive time (file order among ties), with a `received_at` column."""
    con = duckdb.connect()
    try:
        con.register("events", events)
        return con.sql(
            f"""
            with keyed as (
                select *, {_RECEIVED_AT} as parsed_at, row_number() over () as file_row
                from events
            )
            select * exclude (parsed_at, file_row),
                max(parsed_at) over (order by file_row rows unbounded preceding) as received_at
            from keyed
            order by received_at nulls first, file_row
            """
        ).to_arrow_table()
    finally:
        con.close()


def split_by_period(events: pa.Table, minutes: int) -> list[Batch]:
    """One batch per `minutes`-long ingestion period that received rows, named by its start
    (`20261001T0300Z`). Rows received before any parseable time open the first batch."""
    if minutes < 1:
        raise ValueError(f"batch minutes must be >= 1, got {minutes}")
    ordered = in_ingestion_order(events)
    con = duckdb.connect()
    try:
        con.register("ordered", ordered)
        periods = con.sql(
            f"""
            select strftime(
                coalesce(time_bucket(interval '{int(minutes)} minutes', received_at,
                                     timestamp '2000-01-01'),
                         min(received_at) over ()),
                '%Y%m%dT%H%MZ') as period
            from ordered
            """
        ).to_arrow_table().column("period").to_pylist()
    finally:
        con.close()
    return _cut(ordered, periods)


def split_at_random(events: pa.Table, batches: int, seed: int) -> list[Batch]:
    """`batches` batches cut at seeded random points of the ingestion order (`b000001`...)."""
    if batches < 1:
        raise ValueError(f"batches must be >= 1, got {batches}")
    ordered = in_ingestion_order(events)
    if batches > ordered.num_rows:
        raise ValueError(f"cannot cut {ordered.num_rows} rows into {batches} non-empty batches")
    rng = np.random.default_rng(seed)
    cuts = np.sort(rng.choice(np.arange(1, ordered.num_rows), size=batches - 1, replace=False))
    labels = np.searchsorted(cuts, np.arange(ordered.num_rows), side="right") + 1
    return _cut(ordered, [f"b{label:06d}" for label in labels])


def _cut(ordered: pa.Table, labels: list[str]) -> list[Batch]:
    """Consecutive runs of equal labels become batches; the helper column is dropped."""
    rows = ordered.drop_columns(["received_at"])
    out: list[Batch] = []
    start = 0
    for end in range(1, len(labels) + 1):
        if end == len(labels) or labels[end] != labels[start]:
            out.append(Batch(labels[start], rows.slice(start, end - start)))
            start = end
    return out
