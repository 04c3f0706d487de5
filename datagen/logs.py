"""Application log lines: free text the warehouse has to parse, some of it broken.

Well-formed lines look like `2026-11-01T12:00:03.120Z INFO timeline.fetch user=123
tweets=20 latency_ms=84 status=200 client=ios` (one line).
They come from the same simulation as the events (one `timeline.fetch` per session, one
`tweet.create` per tweet posted in the window, logins and cache refreshes), so parsed
logs can be reconciled with the event stream. A configurable share is malformed:
truncated, garbage, bad numbers or a missing timestamp.
"""

from __future__ import annotations

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from datagen.config import CLIENTS, GenConfig
from datagen.entities import Tweets, Users
from datagen.events import Sessions
from datagen.idformat import format_ids
from datagen.textcols import format_ts, random_text

LEVELS = ("DEBUG", "INFO", "WARN", "ERROR")
ACTIONS = ("timeline.fetch", "tweet.create", "auth.login", "cache.refresh")
BAD_NUMBERS = ("12x", "NaN", "-", "0x1F", "1e999", "")
N_MALFORMED_KINDS = 4  # truncated, garbage, bad number, missing timestamp
KEY_STUBS = ("lat", "laten", "latency", "latency_m")  # where a mid-line cut leaves off
STAMP_WIDTH = 24  # len("2026-11-01T12:00:03.120Z")
GARBAGE_ALPHABET = b"abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789 =:;.-_/#%&*!?"


def _texts(values: np.ndarray, vocab: tuple[str, ...]) -> pa.Array:
    """Arrow strings for vocabulary indices."""
    return pa.array(vocab, pa.string()).take(pa.array(values))


def _kv(key: str, values: pa.Array) -> pa.Array:
    """`key=value` tokens; null values give null tokens (the key is left out)."""
    return pc.binary_join_element_wise(pa.scalar(f"{key}="), values, "")


def _log_records(
    cfg: GenConfig, users: Users, tweets: Tweets, sessions: Sessions, rng: np.random.Generator
) -> dict[str, np.ndarray]:
    """Numeric columns of every log record, one row per line, sorted by time."""
    n_s = sessions.user.size
    in_window = np.flatnonzero(tweets.created_ms >= cfg.start_ms)
    logins = np.flatnonzero(rng.random(n_s) < 0.25)
    refresh = max(1, n_s // 10)
    action = np.concatenate(
        [
            np.zeros(n_s, np.int8),
            np.ones(in_window.size, np.int8),
            np.full(logins.size, 2, np.int8),
            np.full(refresh, 3, np.int8),
        ]
    )
    n = action.size
    latency = np.exp(rng.normal(np.log(80.0), 0.7, size=n)).astype(np.int64) + 3
    ts = np.concatenate(
        [
            sessions.start_ms - latency[:n_s],
            tweets.created_ms[in_window],
            sessions.start_ms[logins] - 5_000,
            cfg.start_ms + rng.integers(0, cfg.days * 86_400_000, size=refresh),
        ]
    )
    user = np.concatenate(
        [
            users.user_id[sessions.user],
            users.user_id[tweets.author[in_window]],
            users.user_id[sessions.user[logins]],
            np.full(refresh, -1),
        ]
    )
    client = np.concatenate(
        [
            sessions.client,
            users.primary_client[tweets.author[in_window]],
            sessions.client[logins],
            np.full(refresh, -1),
        ]
    )
    tweets_shown = np.concatenate([sessions.length, np.full(n - n_s, -1)])
    ok_status = np.where(action == 1, 201, 200)
    roll = rng.random(n)
    status = np.where(roll < 0.01, 500, np.where(roll < 0.015, 429, ok_status))
    status = np.where((action == 2) & (roll > 0.97), 401, status)
    level = np.where(status >= 500, 3, np.where((status >= 400) | (latency > 1000), 2, 1))
    level = np.where(action == 3, 0, level)
    order = np.argsort(ts, kind="stable")
    cols = {
        "ts": ts,
        "level": level,
        "action": action,
        "user": user,
        "tweets": tweets_shown,
        "latency": latency,
        "status": status,
        "client": client,
    }
    return {k: np.asarray(v)[order] for k, v in cols.items()}


def _numbers(values: np.ndarray) -> pa.Array:
    """Decimal text, null where the value is -1 (key not logged for this action)."""
    return pa.array(values, mask=values < 0).cast(pa.string())


def _user_ids(cfg: GenConfig, values: np.ndarray) -> pa.Array:
    """`user=` values in the run's id format, null where the line has no user."""
    if cfg.id_format == "int":
        return _numbers(values)
    return format_ids(values, cfg.id_format, cfg.seed, values < 0)


def make_app_logs(
    cfg: GenConfig, users: Users, tweets: Tweets, sessions: Sessions, rng: np.random.Generator
) -> tuple[pa.Table, int]:
    """(raw_app_logs table, number of malformed lines)."""
    rec = _log_records(cfg, users, tweets, sessions, rng)
    n = rec["ts"].size
    n_bad = round(cfg.malformed_log_rate * n)
    bad_idx = np.sort(rng.choice(n, size=n_bad, replace=False))
    kind = np.full(n, -1, dtype=np.int8)
    kind[bad_idx] = rng.integers(0, N_MALFORMED_KINDS, size=n_bad)

    latency = _numbers(rec["latency"])
    bad_num = np.flatnonzero(kind == 2)
    if bad_num.size:
        junk = _texts(rng.integers(0, len(BAD_NUMBERS), size=bad_num.size), BAD_NUMBERS)
        mask = np.zeros(n, dtype=bool)
        mask[bad_num] = True
        latency = pc.replace_with_mask(latency, pa.array(mask), junk)
    client = pa.array(CLIENTS, pa.string()).take(
        pa.array(np.maximum(rec["client"], 0), mask=rec["client"] < 0)
    )
    # Half the truncated lines stop inside the timestamp (see _truncate_and_garble), the
    # other half in the middle of the latency key, losing everything after it.
    cut_mid = (kind == 0) & (rng.random(n) < 0.5)
    kind = np.where(cut_mid, 4, kind).astype(np.int8)
    cut_rows = np.flatnonzero(cut_mid)
    stub = _texts(rng.integers(0, len(KEY_STUBS), size=cut_rows.size), KEY_STUBS)
    tokens = [
        _texts(rec["level"], LEVELS),
        _texts(rec["action"], ACTIONS),
        _kv("user", _user_ids(cfg, rec["user"])),
        _kv("tweets", _numbers(rec["tweets"])),
        _replace_rows(_kv("latency_ms", latency), cut_rows, stub),
        _replace_rows(_kv("status", _numbers(rec["status"])), cut_rows, None),
        _replace_rows(_kv("client", client), cut_rows, None),
    ]
    # Null tokens are skipped, so each action only carries the keys it has.
    opts = pc.JoinOptions(null_handling="skip")
    body = pc.binary_join_element_wise(*tokens, " ", options=opts)
    stamp = format_ts(rec["ts"], iso=True)
    line = pc.binary_join_element_wise(stamp, body, " ")
    line = _malform(line, body, stamp, kind, rng)
    table = pa.table({"log_id": pa.array(np.arange(1, n + 1, dtype=np.int64)), "line": line})
    return table, n_bad


def _replace_rows(values: pa.Array, rows: np.ndarray, new: pa.Array | None) -> pa.Array:
    """`values` with the given rows replaced by `new` (or made null when `new` is None)."""
    if rows.size == 0:
        return values
    mask = np.zeros(len(values), dtype=bool)
    mask[rows] = True
    if new is None:
        new = pa.nulls(rows.size, values.type)
    return pc.replace_with_mask(values, pa.array(mask), new.cast(values.type))


def _malform(
    line: pa.Array, body: pa.Array, stamp: pa.Array, kind: np.ndarray, rng: np.random.Generator
) -> pa.Array:
    """Kind 0 lines are cut inside their timestamp, kind 1 become random junk, kind 3
    lose their timestamp.

    The broken lines are built on their own (a few percent of the rows) and put in place
    with one replacement pass over the column.
    """
    trunc = np.flatnonzero(kind == 0)
    cut_at = rng.choice([4, 7, 10, 13, 16, 21], size=trunc.size)
    garble = np.flatnonzero(kind == 1)
    no_stamp = np.flatnonzero(kind == 3)
    parts: list[pa.Array] = [_prefixes(stamp, trunc, cut_at)]
    if garble.size:
        parts.append(random_text(rng, garble.size, 32, GARBAGE_ALPHABET))
    parts.append(body.take(pa.array(no_stamp)))
    rows = np.concatenate([trunc, garble, no_stamp])
    if rows.size == 0:
        return line
    order = np.argsort(rows, kind="stable")
    mask = np.zeros(len(line), dtype=bool)
    mask[rows] = True
    new = pa.concat_arrays([p.cast(line.type) for p in parts]).take(pa.array(order))
    return pc.replace_with_mask(line, pa.array(mask), new)


def _prefixes(stamp: pa.Array, rows: np.ndarray, cut_at: np.ndarray) -> pa.StringArray:
    """The first cut_at[i] characters of stamp[rows[i]] (stamps are fixed-width ASCII)."""
    if rows.size == 0:
        return pa.array([], pa.string())
    width = STAMP_WIDTH
    chars = np.frombuffer(stamp.buffers()[2], dtype=np.uint8, count=len(stamp) * width)
    chosen = chars.reshape(-1, width)[rows]
    data = chosen[np.arange(width)[None, :] < cut_at[:, None]]
    offsets = np.concatenate([[0], np.cumsum(cut_at)]).astype(np.int32)
    return pa.StringArray.from_buffers(
        rows.size, pa.py_buffer(offsets.tobytes()), pa.py_buffer(data.tobytes())
    )
