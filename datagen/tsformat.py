"""Timestamp text in the shape other people's logs use (`--timestamp-format`).

Why: the warehouse must read anyone's event log, and real logs write instants as ISO-8601
with zones, epoch seconds or epoch milliseconds. Every format here is lossless (parses
back to the same millisecond), and the choice among ISO variants is a hash of the value,
not a random draw, so a run's other columns are identical whatever the format is.

Grammars (what the warehouse accepts):
- contract  `YYYY-MM-DD HH:MM:SS.fff`
- iso       `YYYY-MM-DD[T ]HH:MM:SS(.f{1,9})?(Z|[+-]HH:MM|[+-]HHMM)?` (no zone = UTC)
- epoch-s   `-?[0-9]{1,11}(\\.[0-9]{1,9})?`
- epoch-ms  `-?[0-9]{12,14}`
"""

from __future__ import annotations

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from datagen.textcols import fixed_width_strings, format_ts, scramble_ids

# UTC offsets an ISO value may be written in (minutes): negative, half and quarter hours.
OFFSETS_MIN: tuple[int, ...] = (120, -300, 330, -180, 540, -570, 60, -480, 345, 0)
# Z with ms, Z with microseconds, +HH:MM offset, +HHMM offset, space and no zone (UTC).
N_ISO_VARIANTS = 5
_DIGITS = np.frombuffer(b"0123456789", dtype=np.uint8)


def _matrix(text: pa.StringArray, width: int) -> np.ndarray:
    """(n, width) bytes of a fixed-width string array (format_ts output is 23 wide)."""
    n = len(text)
    return np.frombuffer(text.buffers()[2], dtype=np.uint8)[: n * width].reshape(n, width)


def _two_digits(values: np.ndarray) -> np.ndarray:
    """(n, 2) ASCII digits of 0..99."""
    return np.stack([_DIGITS[values // 10], _DIGITS[values % 10]], axis=1)


def _iso_variant(ms: np.ndarray, variant: int, offset_min: np.ndarray) -> pa.StringArray:
    """One ISO spelling for every value of `ms` (see N_ISO_VARIANTS)."""
    if variant == 4:
        return format_ts(ms)
    if variant >= 2:
        base = _matrix(format_ts(ms + offset_min.astype(np.int64) * 60_000), 23)
    else:
        base = _matrix(format_ts(ms), 23)
    n = ms.size
    if variant == 0:
        out = np.empty((n, 24), dtype=np.uint8)
        out[:, :23] = base
        out[:, 23] = ord("Z")
    elif variant == 1:
        out = np.empty((n, 27), dtype=np.uint8)
        out[:, :23] = base
        out[:, 23:26] = ord("0")
        out[:, 26] = ord("Z")
    else:
        colon = variant == 2
        out = np.empty((n, 29 if colon else 28), dtype=np.uint8)
        out[:, :23] = base
        out[:, 23] = np.where(offset_min < 0, ord("-"), ord("+"))
        magnitude = np.abs(offset_min)
        out[:, 24:26] = _two_digits(magnitude // 60)
        if colon:
            out[:, 26] = ord(":")
        out[:, -2:] = _two_digits(magnitude % 60)
    out[:, 10] = ord("T")
    return fixed_width_strings(out)


def _whole_seconds(ms: np.ndarray) -> pa.StringArray:
    """`YYYY-MM-DDTHH:MM:SSZ`: only lossless for values whose millisecond part is 0."""
    base = _matrix(format_ts(ms), 23)
    out = np.empty((ms.size, 20), dtype=np.uint8)
    out[:, :19] = base[:, :19]
    out[:, 10] = ord("T")
    out[:, 19] = ord("Z")
    return fixed_width_strings(out)


def format_iso(ms: np.ndarray, salt: int) -> pa.Array:
    """ISO-8601 text mixing lossless variants per value (chosen by a hash of the value)."""
    ms = np.asarray(ms, dtype=np.int64)
    if ms.size == 0:
        return pa.array([], pa.string())
    key = scramble_ids(ms.astype(np.uint64), salt=salt)
    variant = (key % np.uint64(N_ISO_VARIANTS + 1)).astype(np.int64)
    variant[variant == N_ISO_VARIANTS] = 0  # the plain `...fffZ` form is drawn twice as often
    offset = np.array(OFFSETS_MIN)[(key >> np.uint64(20)) % np.uint64(len(OFFSETS_MIN))]
    whole = (ms % 1000 == 0) & (variant == 0)
    choice = np.where(whole, N_ISO_VARIANTS, variant)
    parts = [_iso_variant(ms, v, offset) for v in range(N_ISO_VARIANTS)]
    parts.append(_whole_seconds(ms))
    return pc.choose(pa.array(choice.astype(np.int8)), *parts)


def format_epoch_s(ms: np.ndarray) -> pa.Array:
    """Seconds since 1970 with exactly three decimals (`1790000000.123`)."""
    ms = np.asarray(ms, dtype=np.int64)
    seconds = pa.array(ms // 1000).cast(pa.string())
    frac = ms % 1000
    digits = np.stack([_DIGITS[frac // 100], _DIGITS[frac // 10 % 10], _DIGITS[frac % 10]], 1)
    return pc.binary_join_element_wise(seconds, fixed_width_strings(digits), ".")


def format_epoch_ms(ms: np.ndarray) -> pa.Array:
    """Integer milliseconds since 1970 (13 digits for this century)."""
    return pa.array(np.asarray(ms, dtype=np.int64)).cast(pa.string())


def format_as(ms: np.ndarray, fmt: str, salt: int = 0) -> pa.Array:
    """Epoch milliseconds as text in timestamp format `fmt` (see TIMESTAMP_FORMATS)."""
    if fmt == "contract":
        return format_ts(ms)
    if fmt == "iso":
        return format_iso(ms, salt)
    if fmt == "epoch-s":
        return format_epoch_s(ms)
    if fmt == "epoch-ms":
        return format_epoch_ms(ms)
    raise ValueError(f"unknown timestamp format {fmt!r}")


def malformed_for(ms: np.ndarray, kind: np.ndarray, fmt: str) -> pa.Array:
    """Timestamp text that is invalid under `fmt`, one of six kinds per row.

    Kinds 0 and 1 are values written in another format (valid elsewhere, invalid here),
    2 is cut short, 3 an impossible date, 4 US month/day/year order, 5 junk. The contract
    format's own spelling of these lives in dirt.py and is unchanged.
    """
    ms = np.asarray(ms, dtype=np.int64)
    contract = format_ts(ms)
    iso_z = _iso_variant(ms, 0, np.zeros(ms.size, dtype=np.int64))
    if fmt == "iso":
        other = [format_epoch_ms(ms), format_epoch_s(ms)]
        cut = pc.utf8_slice_codeunits(iso_z, 0, 16)  # 2026-10-01T12:00
    elif fmt == "epoch-s":
        other = [iso_z, contract]
        cut = pc.utf8_slice_codeunits(format_epoch_s(ms), 0, 11)  # 1790000000.
    elif fmt == "epoch-ms":
        other = [iso_z, format_epoch_s(ms)]
        cut = pc.utf8_slice_codeunits(format_epoch_ms(ms), 0, 9)  # too few digits
    else:
        raise ValueError(f"no malformed variants defined for {fmt!r}")

    def part(a: int, b: int) -> pa.Array:
        return pc.utf8_slice_codeunits(contract, a, b)

    us = pc.binary_join_element_wise(
        pc.binary_join_element_wise(part(5, 7), part(8, 10), part(0, 4), "/"), part(11, 19), " "
    )
    impossible = pa.array(np.full(ms.size, "2026-13-45T25:61:00Z", dtype=object), pa.string())
    junk = pa.array(np.full(ms.size, "#VALUE!", dtype=object), pa.string())
    return pc.choose(pa.array(kind.astype(np.int8)), *other, cut, impossible, us, junk)

