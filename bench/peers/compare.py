"""Row-for-row equality of a peer's output and the warehouse table it imitates.

Both sides are Arrow tables. They are sorted by the key columns, then every column of
the warehouse table must exist in the peer's output with the same NULLs; integers,
dates and text must be equal, floating-point values within `tolerance` (absolute).
"""

from __future__ import annotations

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc


class PeerMismatch(AssertionError):
    """The peer's rows differ from the warehouse's; the message says where."""


def _normalise(column: pa.ChunkedArray) -> pa.ChunkedArray:
    """Integers of any width as int64 and floats as float64, so types never decide equality."""
    if pa.types.is_integer(column.type):
        return column.cast(pa.int64())
    if pa.types.is_floating(column.type) or pa.types.is_decimal(column.type):
        return column.cast(pa.float64())
    if pa.types.is_large_string(column.type) or pa.types.is_string_view(column.type):
        return column.cast(pa.string())
    if pa.types.is_timestamp(column.type) or pa.types.is_date(column.type):
        return column.cast(pa.timestamp("us"))
    return column


def _check_column(name: str, want: pa.ChunkedArray, got: pa.ChunkedArray, tol: float) -> None:
    want, got = _normalise(want), _normalise(got)
    want_null = want.is_null().to_numpy(zero_copy_only=False)
    got_null = got.is_null().to_numpy(zero_copy_only=False)
    if not np.array_equal(want_null, got_null):
        row = int(np.flatnonzero(want_null != got_null)[0])
        raise PeerMismatch(f"column {name}: NULL differs at sorted row {row}")
    if pa.types.is_floating(want.type):
        a = want.fill_null(0.0).to_numpy()
        b = got.cast(pa.float64()).fill_null(0.0).to_numpy()
        diff = np.abs(a - b)
        if diff.size and float(diff.max()) > tol:
            row = int(diff.argmax())
            raise PeerMismatch(
                f"column {name}: {b[row]!r} vs warehouse {a[row]!r} at sorted row {row}"
            )
        return
    if want.type != got.type:
        got = got.cast(want.type)
    equal = pc.equal(want, got).fill_null(True).to_numpy(zero_copy_only=False)
    if not equal.all():
        row = int(np.flatnonzero(~equal)[0])
        raise PeerMismatch(
            f"column {name}: {got[row].as_py()!r} vs warehouse {want[row].as_py()!r}"
            f" at sorted row {row}"
        )


def assert_same_rows(
    warehouse: pa.Table, peer: pa.Table, keys: list[str], tolerance: float = 1e-9
) -> int:
    """Raise PeerMismatch unless `peer` holds exactly the warehouse's rows; return the count."""
    missing = [c for c in warehouse.column_names if c not in peer.column_names]
    if missing:
        raise PeerMismatch(f"peer lacks column(s): {', '.join(missing)}")
    if warehouse.num_rows != peer.num_rows:
        raise PeerMismatch(f"row count {peer.num_rows} vs warehouse {warehouse.num_rows}")
    order = [(k, "ascending") for k in keys]
    want = warehouse.sort_by(order)
    got = peer.select(warehouse.column_names).sort_by(order)
    for name in keys + [c for c in warehouse.column_names if c not in keys]:
        _check_column(name, want.column(name), got.column(name), tolerance)
    return warehouse.num_rows
