"""Dirt: what at-least-once delivery, old clients and bad clocks do to an event stream.

Clean events become raw rows here. Each kind of dirt is one small function, applied at a
configured rate (a share of the clean rows), and the exact number injected is returned so
tests and the warehouse can check their quarantine counts against it.

Design rule: dirt never breaks the clean stream. Rows that staging must reject (unknown
type, missing or unknown user, malformed or future timestamp, unknown or deleted tweet)
are *extra* rows with their own event ids; the changes made in place (late ingestion,
spelling of event_type) keep the row usable. So after staging removes the junk and
dedups redeliveries, every engagement still has its earlier impression.
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, fields

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from datagen.config import CLIENTS, DAY_MS, EVENT_TYPES, HOUR_MS, GenConfig
from datagen.entities import Tweets, Users
from datagen.events import Events
from datagen.idformat import format_ids
from datagen.textcols import format_ts, hex_ids, scramble_ids, vocab_column
from datagen.tsformat import format_as, malformed_for

N_TYPES = len(EVENT_TYPES)
N_VARIANTS = 5
UNKNOWN_TYPES: tuple[str, ...] = ("share", "bookmark", "video_view", "dwell", "follow", "mute")


def _variants(name: str) -> list[str]:
    """Spellings that staging must map back to `name`: case and surrounding spaces only."""
    return [name.upper(), name.capitalize(), f" {name}", f"{name} ", f"  {name.upper()} "]


# Every event_type string a raw row can carry: canonical, then variants, then unknown.
TYPE_VOCAB: tuple[str, ...] = (
    *EVENT_TYPES,
    *(v for name in EVENT_TYPES for v in _variants(name)),
    *UNKNOWN_TYPES,
)
FIRST_UNKNOWN = N_TYPES * (1 + N_VARIANTS)

# Kinds of malformed event_ts (see _malformed_ts_strings).
N_BAD_TS_KINDS = 6


@dataclass(frozen=True)
class RawEvents:
    """Raw event rows as numpy columns, before text formatting."""

    event_no: np.ndarray  # source of event_id; a redelivery repeats it
    ts_ms: np.ndarray
    ingest_ms: np.ndarray
    user_id: np.ndarray  # -1 = empty
    tweet_id: np.ndarray
    type_code: np.ndarray  # index into TYPE_VOCAB
    position: np.ndarray
    client: np.ndarray
    bad_ts: np.ndarray  # -1 = well-formed, else malformed kind

    @property
    def n(self) -> int:
        return int(self.event_no.size)

    def take(self, idx: np.ndarray) -> RawEvents:
        """The rows at `idx`, in that order."""
        return RawEvents(*(getattr(self, f.name)[idx] for f in fields(self)))

    def rows(self, lo: int, hi: int) -> RawEvents:
        """Rows lo..hi-1 as views (no copy)."""
        return RawEvents(*(getattr(self, f.name)[lo:hi] for f in fields(self)))

    def with_(self, **cols: np.ndarray) -> RawEvents:
        """A copy with some columns replaced."""
        values = {f.name: getattr(self, f.name) for f in fields(self)}
        values.update(cols)
        return RawEvents(**values)


@dataclass(frozen=True)
class OrderedRaw:
    """Raw rows and the order they are written in (ingestion order, redeliveries included).

    The gather into that order runs chunk by chunk while the file is written, so a
    reordered copy of every column (half a gigabyte at 10M events) never exists at once.
    """

    source: RawEvents
    order: np.ndarray  # row of `source` behind each output row
    ingest_ms: np.ndarray  # ingested_at of each output row (redeliveries differ)

    @property
    def n(self) -> int:
        return int(self.order.size)

    def rows(self, lo: int, hi: int) -> RawEvents:
        """Output rows lo..hi-1 as a new RawEvents."""
        idx = self.order[lo:hi]
        cols = {f.name: getattr(self.source, f.name) for f in fields(RawEvents)}
        cols = {k: (v[idx] if k != "ingest_ms" else self.ingest_ms[lo:hi]) for k, v in cols.items()}
        return RawEvents(**cols)

    def materialize(self) -> RawEvents:
        """Every output row at once (small runs and tests)."""
        return self.rows(0, self.n)


def concat_raw(parts: list[RawEvents]) -> RawEvents:
    """Rows of all `parts`, one after another."""
    names = [f.name for f in fields(RawEvents)]
    return RawEvents(**{k: np.concatenate([getattr(p, k) for p in parts]) for k in names})


def _ingest_lag(rng: np.random.Generator, n: int) -> np.ndarray:
    """Normal pipeline lag: about a second, never more than a few minutes."""
    lag = np.exp(rng.normal(np.log(1500.0), 1.0, size=n))
    return 50 + np.minimum(lag, 5 * 60_000).astype(np.int64)


def clean_lags(rng: np.random.Generator, n_clean: int) -> np.ndarray:
    """The dirt stream's first draws: every clean row's pipeline lag (see `to_raw`).

    Needs only the row count, so it can be drawn on another thread while the events
    are sorted.
    """
    return _ingest_lag(rng, n_clean)


def to_raw(events: Events, users: Users, tweets: Tweets, lag: np.ndarray) -> RawEvents:
    """Clean events as raw rows: real ids, canonical types, ingested `lag` ms after."""
    n = events.n
    return RawEvents(
        event_no=np.arange(n, dtype=np.int64),
        ts_ms=events.ts_ms,
        ingest_ms=events.ts_ms + lag,
        user_id=users.user_id[events.user],
        tweet_id=tweets.tweet_id[events.tweet],
        type_code=events.etype.astype(np.int16),
        position=events.position.astype(np.int16),
        client=events.client.astype(np.int8),
        bad_ts=np.full(n, -1, dtype=np.int8),
    )


def _pick(rng: np.random.Generator, n_rows: int, count: int) -> np.ndarray:
    """`count` distinct row indices (sorted, so later steps stay order-stable)."""
    count = min(count, n_rows)
    return np.sort(rng.choice(n_rows, size=count, replace=False))


def vary_type_spelling(raw: RawEvents, count: int, rng: np.random.Generator) -> RawEvents:
    """In place: `count` rows spell their (valid) type in another case or with spaces."""
    idx = _pick(rng, raw.n, count)
    codes = raw.type_code.copy()
    variant = rng.integers(0, N_VARIANTS, size=idx.size)
    codes[idx] = N_TYPES + codes[idx] * N_VARIANTS + variant
    return raw.with_(type_code=codes)


def delay_ingestion(raw: RawEvents, count: int, rng: np.random.Generator) -> RawEvents:
    """In place: `count` rows arrive late, 2 hours to 3 days after they happened."""
    idx = _pick(rng, raw.n, count)
    ingest = raw.ingest_ms.copy()
    ingest[idx] = raw.ts_ms[idx] + rng.integers(2 * HOUR_MS, 3 * DAY_MS, size=idx.size)
    return raw.with_(ingest_ms=ingest)


def _copies(raw: RawEvents, count: int, next_no: int, rng: np.random.Generator) -> RawEvents:
    """`count` copies of random clean rows under new event ids, the base of an extra kind."""
    idx = np.sort(rng.integers(0, raw.n, size=count)) if raw.n else np.zeros(0, np.int64)
    rows = raw.take(idx)
    return rows.with_(event_no=next_no + np.arange(count, dtype=np.int64))


def unknown_types(base: RawEvents, rng: np.random.Generator) -> RawEvents:
    """Extra rows whose event_type is not in the contract (a newer client's event)."""
    code = FIRST_UNKNOWN + rng.integers(0, len(UNKNOWN_TYPES), size=base.n)
    return base.with_(type_code=code.astype(np.int16))


def missing_users(base: RawEvents, rng: np.random.Generator) -> RawEvents:
    """Extra rows with an empty user_id (logged-out or broken client)."""
    return base.with_(user_id=np.full(base.n, -1, dtype=np.int64))


def unknown_users(base: RawEvents, users: Users, rng: np.random.Generator) -> RawEvents:
    """Extra rows whose user_id is not in raw_users (deleted or never-synced accounts)."""
    ids = users.n + 1 + rng.integers(0, 10 * users.n, size=base.n)
    return base.with_(user_id=ids.astype(np.int64))


def malformed_timestamps(base: RawEvents, rng: np.random.Generator) -> RawEvents:
    """Extra rows whose event_ts text will not parse (kinds: see _malformed_ts_strings)."""
    kind = rng.integers(0, N_BAD_TS_KINDS, size=base.n).astype(np.int8)
    return base.with_(bad_ts=kind)


def future_skew(base: RawEvents, rng: np.random.Generator) -> RawEvents:
    """Extra rows from devices whose clock runs ahead: event_ts 1-12 h after ingested_at."""
    skew = rng.integers(HOUR_MS, 12 * HOUR_MS, size=base.n)
    return base.with_(ts_ms=base.ingest_ms + skew)


def unknown_tweets(base: RawEvents, tweets: Tweets, rng: np.random.Generator) -> RawEvents:
    """Extra rows on tweet ids that raw_tweets never had."""
    top = int(tweets.tweet_id.max())
    ids = top + 1 + rng.integers(0, 10 * tweets.n, size=base.n)
    return base.with_(tweet_id=ids.astype(np.int64))


def deleted_tweet_events(
    cfg: GenConfig,
    base: RawEvents,
    users: Users,
    tweets: Tweets,
    rng: np.random.Generator,
) -> RawEvents:
    """Extra impressions of deleted tweets, after deleted_at (stale caches on clients).

    Only tweets deleted inside the window, at least an hour before it ends, qualify; with none, no
    rows are added (the count reported says so).
    """
    deleted = tweets.deleted_ms
    eligible = np.flatnonzero((deleted >= cfg.start_ms) & (deleted < cfg.end_ms - HOUR_MS))
    if eligible.size == 0 or base.n == 0:
        return base.take(np.zeros(0, dtype=np.int64))
    tweet = eligible[rng.integers(0, eligible.size, size=base.n)]
    room = np.minimum(3 * DAY_MS, cfg.end_ms - tweets.deleted_ms[tweet])
    ts = tweets.deleted_ms[tweet] + 60_000 + (rng.random(base.n) * (room - 60_000)).astype(np.int64)
    # An action-only log has no impressions: the stale client's row keeps its engagement.
    kept_type = base.type_code if cfg.no_impressions else np.zeros(base.n, dtype=np.int16)
    return base.with_(
        ts_ms=ts,
        ingest_ms=ts + _ingest_lag(rng, base.n),
        tweet_id=tweets.tweet_id[tweet],
        type_code=kept_type,
    )


def redeliver(
    raw: RawEvents, count: int, rng: np.random.Generator
) -> tuple[np.ndarray, np.ndarray]:
    """Duplicates: `count` rows delivered again, same event id and payload, ingested later.

    Returns (row indices, new ingested_at) rather than copies, so assembly copies once.
    """
    idx = np.sort(rng.integers(0, raw.n, size=count)) if raw.n else np.zeros(0, np.int64)
    later = raw.ingest_ms[idx] + rng.integers(1000, 6 * HOUR_MS, size=idx.size)
    return idx, later


def inject(
    cfg: GenConfig,
    clean: RawEvents,
    users: Users,
    tweets: Tweets,
    rng: np.random.Generator,
) -> tuple[OrderedRaw, dict[str, int]]:
    """All dirt at the configured rates; returns rows in ingestion order and exact counts."""
    n = clean.n
    counts = {"clean_events": n}

    def how_many(rate: float) -> int:
        return round(rate * n)

    raw = vary_type_spelling(clean, how_many(cfg.type_variant_rate), rng)
    counts["type_variants"] = how_many(cfg.type_variant_rate)
    raw = delay_ingestion(raw, how_many(cfg.late_rate), rng)
    counts["late_arrivals"] = min(how_many(cfg.late_rate), n)
    parts = [raw]
    next_no = n

    def extra(name: str, rate: float, make) -> None:
        nonlocal next_no
        base = _copies(clean, how_many(rate), next_no, rng)
        rows = make(base)
        counts[name] = rows.n
        next_no += base.n
        parts.append(rows)

    extra("unknown_types", cfg.unknown_type_rate, lambda b: unknown_types(b, rng))
    extra("missing_users", cfg.missing_user_rate, lambda b: missing_users(b, rng))
    extra("unknown_users", cfg.unknown_user_rate, lambda b: unknown_users(b, users, rng))
    extra("malformed_timestamps", cfg.malformed_ts_rate, lambda b: malformed_timestamps(b, rng))
    extra("future_skew", cfg.future_skew_rate, lambda b: future_skew(b, rng))
    extra("unknown_tweets", cfg.unknown_tweet_rate, lambda b: unknown_tweets(b, tweets, rng))
    extra(
        "deleted_tweet_events",
        cfg.deleted_tweet_event_rate,
        lambda b: deleted_tweet_events(cfg, b, users, tweets, rng),
    )
    everything = concat_raw(parts)
    dup_rows, dup_ingest = redeliver(everything, how_many(cfg.duplicate_rate), rng)
    counts["duplicates"] = dup_rows.size
    # (rows + redeliveries) in ingestion order: one gather per column, done per chunk.
    source = np.concatenate([np.arange(everything.n), dup_rows])
    ingest = np.concatenate([everything.ingest_ms, dup_ingest])
    order = np.argsort(ingest, kind="stable")
    return OrderedRaw(everything, source[order], ingest[order]), counts


def _malformed_ts_strings(ts_ms: np.ndarray, kind: np.ndarray) -> pa.Array:
    """Unparseable event_ts text, each kind a real-world way clients get it wrong.

    0 ISO-8601 with T and Z, 1 epoch milliseconds, 2 cut after the minutes,
    3 an impossible date, 4 US month/day/year, 5 plain garbage.
    """
    good = format_ts(ts_ms)
    iso = format_ts(ts_ms, iso=True)
    epoch = pa.array(ts_ms.astype(np.int64)).cast(pa.string())
    cut = pc.utf8_slice_codeunits(good, 0, 16)
    impossible = pa.array(np.full(ts_ms.size, "2026-13-45 25:61:00.000", dtype=object), pa.string())

    def part(a: int, b: int) -> pa.Array:
        return pc.utf8_slice_codeunits(good, a, b)

    us = pc.binary_join_element_wise(
        pc.binary_join_element_wise(part(5, 7), part(8, 10), part(0, 4), "/"), part(11, 19), " "
    )
    garbage = pa.array(np.full(ts_ms.size, "#VALUE!", dtype=object), pa.string())
    choices = [iso, epoch, cut, impossible, us, garbage]
    return pc.choose(pa.array(kind.astype(np.int8)), *choices)


def to_table(raw: RawEvents, cfg: GenConfig) -> pa.Table:
    """Raw rows as the contract's text columns (raw_events).

    The two timestamp columns are the most expensive text; Arrow's cast releases the
    GIL, so they are formatted on two threads.
    """
    ts_fmt, seed = cfg.timestamp_format, cfg.seed
    with ThreadPoolExecutor(max_workers=2) as pool:
        ingested = pool.submit(format_as, raw.ingest_ms, ts_fmt, 2)
        event_ts = format_as(raw.ts_ms, ts_fmt, 1)
        ingested_at = ingested.result()
    bad = raw.bad_ts >= 0
    if bad.any():
        idx = np.flatnonzero(bad)
        if ts_fmt == "contract":
            broken = _malformed_ts_strings(raw.ts_ms[idx], raw.bad_ts[idx])
        else:
            broken = malformed_for(raw.ts_ms[idx], raw.bad_ts[idx], ts_fmt)
        event_ts = pc.replace_with_mask(event_ts, pa.array(bad), broken.cast(event_ts.type))
    missing = raw.user_id < 0
    if cfg.id_format == "int":
        user_id = pa.array(raw.user_id, mask=missing).cast(pa.string())
    else:
        user_id = format_ids(raw.user_id, cfg.id_format, seed, missing)
    return pa.table(
        {
            "event_id": hex_ids(scramble_ids(raw.event_no, salt=seed * 7919 + 1)),
            "event_ts": event_ts,
            "ingested_at": ingested_at,
            "user_id": user_id,
            "tweet_id": format_ids(raw.tweet_id, cfg.id_format, seed),
            "event_type": vocab_column(raw.type_code, TYPE_VOCAB),
            "position": pa.array(raw.position.astype(np.int32)),
            "client": vocab_column(raw.client, CLIENTS),
        }
    )
