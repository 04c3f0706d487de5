"""User and tweet ids as other people's logs write them (`--id-format`).

Why: many platforms key users and tweets by opaque strings, not integers. The generator
keeps integer ids inside and renders them only when writing, through a bijection, so
distinct ids stay distinct, an unknown integer id stays unknown, and every table (events,
tweets, follows, app logs, ground truth) spells the same account the same way.
- int   the contract's integers (users 1..N, tweets from 1000000001)
- hash  16 lower-case hex characters
- uuid  canonical UUID text, version-4 layout (8-4-4-4-12, version nibble 4, variant 8-b)
"""

from __future__ import annotations

import numpy as np
import pyarrow as pa

from datagen.textcols import fixed_width_strings, hex_matrix, scramble_ids

_HEX = np.frombuffer(b"0123456789abcdef", dtype=np.uint8)


def _scrambled(ids: np.ndarray, seed: int, lane: int) -> np.ndarray:
    """A seed-dependent 64-bit bijection of the ids (one independent one per lane)."""
    return scramble_ids(np.asarray(ids, dtype=np.uint64), salt=seed * 1_000_003 + lane, bits=64)


def _uuid_matrix(ids: np.ndarray, seed: int) -> np.ndarray:
    """(n, 36) UUID bytes; the 16 hex digits of lane 0 are all kept, so it stays injective."""
    h = hex_matrix(_scrambled(ids, seed, 0), 16)
    g = hex_matrix(_scrambled(ids, seed, 1), 16)
    digits = np.empty((ids.size, 32), dtype=np.uint8)
    digits[:, 0:12] = h[:, 0:12]
    digits[:, 12] = ord("4")
    digits[:, 13:16] = h[:, 12:15]
    variant = (np.searchsorted(_HEX, g[:, 0]) & 3) | 8
    digits[:, 16] = _HEX[variant]
    digits[:, 17] = h[:, 15]
    digits[:, 18:32] = g[:, 1:15]
    out = np.full((ids.size, 36), ord("-"), dtype=np.uint8)
    for lo, hi, at in ((0, 8, 0), (8, 12, 9), (12, 16, 14), (16, 20, 19), (20, 32, 24)):
        out[:, at : at + hi - lo] = digits[:, lo:hi]
    return out


def format_ids(
    ids: np.ndarray, fmt: str, seed: int, missing: np.ndarray | None = None
) -> pa.Array:
    """Integer ids as an Arrow column in id format `fmt`; null where `missing` is True.

    `int` keeps integers (the caller casts to text where the contract says text).
    """
    ids = np.asarray(ids, dtype=np.int64)
    if fmt == "int":
        return pa.array(ids, pa.int64(), mask=missing)
    if fmt == "hash":
        text = fixed_width_strings(hex_matrix(_scrambled(np.maximum(ids, 0), seed, 0), 16))
    elif fmt == "uuid":
        text = fixed_width_strings(_uuid_matrix(np.maximum(ids, 0), seed))
    else:
        raise ValueError(f"unknown id format {fmt!r}")
    if missing is None or not missing.any():
        return text
    return pa.array(text.to_numpy(zero_copy_only=False), pa.string(), mask=missing)
