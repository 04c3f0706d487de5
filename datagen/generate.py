"""One generator run: simulate, dirty, format and write every raw table and the truth.

Each stage draws from its own child of one `SeedSequence`, so a run is a pure function
of (config, seed) and tuning one stage does not reshuffle the others.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pyarrow as pa

from datagen.authors import GoneAuthors, gone_authors
from datagen.config import COUNTRIES, DAY_MS, TOPICS, GenConfig
from datagen.dirt import OrderedRaw, clean_lags, inject, to_raw, to_table
from datagen.entities import Follows, Tweets, Users, make_follows, make_tweets, make_users
from datagen.events import (
    IMPRESSION,
    Events,
    concat_events,
    plan_sessions,
    simulate_events,
    sort_events,
)
from datagen.idformat import format_ids
from datagen.logs import make_app_logs
from datagen.textcols import sorted_unique, vocab_column
from datagen.tsformat import format_as
from datagen.writers import ChunkedWriter, write_table

# Child seeds, by position: a new stage goes at the end so the others keep their streams.
STAGES = ("users", "follows", "tweets", "events", "dirt", "logs", "shapes")
RAW_ORDER = ("raw_users", "raw_tweets", "raw_follows", "raw_app_logs", "raw_events")


@dataclass
class RunResult:
    """What a run wrote: rows per table, dirt counts, seconds per stage."""

    rows: dict[str, int] = field(default_factory=dict)
    dirt: dict[str, int] = field(default_factory=dict)
    seconds: dict[str, float] = field(default_factory=dict)
    cpu_seconds: float = 0.0  # all threads; wall < cpu means the second core helped
    paths: list[Path] = field(default_factory=list)


def _strings(values: np.ndarray, vocab: tuple[str, ...]) -> pa.Array:
    return vocab_column(values, vocab)


# Distinct languages: a dictionary with repeated values made Parquet's dictionary page
# carry uninitialised bytes (same rows, different file bytes from run to run).
LANGUAGES: tuple[str, ...] = tuple(dict.fromkeys(c[1] for c in COUNTRIES))
LANGUAGE_OF_COUNTRY = np.array([LANGUAGES.index(c[1]) for c in COUNTRIES], dtype=np.int32)


def users_table(users: Users, cfg: GenConfig) -> pa.Table:
    """raw_users."""
    return pa.table(
        {
            "user_id": format_ids(users.user_id, cfg.id_format, cfg.seed),
            "signup_at": format_as(users.signup_ms, cfg.timestamp_format, 3),
            "country": _strings(users.country, tuple(c[0] for c in COUNTRIES)),
            "language": _strings(LANGUAGE_OF_COUNTRY[users.country], LANGUAGES),
            "is_verified": pa.array(users.is_verified),
        }
    )


def tweets_table(
    tweets: Tweets, users: Users, cfg: GenConfig, gone: GoneAuthors | None = None
) -> pa.Table:
    """raw_tweets (observed, noisy topic; deleted_at empty when live; author_id empty or
    dangling where the author's account is gone)."""
    ts_fmt = cfg.timestamp_format
    deleted = format_as(np.maximum(tweets.deleted_ms, 0), ts_fmt, 4)
    deleted = pa.array(deleted.to_numpy(zero_copy_only=False), mask=tweets.deleted_ms < 0)
    author_ids = users.user_id[tweets.author] if gone is None else gone.written_id
    return pa.table(
        {
            "tweet_id": format_ids(tweets.tweet_id, cfg.id_format, cfg.seed),
            "author_id": format_ids(author_ids, cfg.id_format, cfg.seed, author_ids < 0),
            "created_at": format_as(tweets.created_ms, ts_fmt, 5),
            "topic": _strings(tweets.observed_topic, TOPICS),
            "has_media": pa.array(tweets.has_media),
            "deleted_at": deleted,
        }
    )


def follows_table(follows: Follows, users: Users, cfg: GenConfig) -> pa.Table:
    """raw_follows, sorted by (follower, followee)."""
    ids, seed = cfg.id_format, cfg.seed
    return pa.table(
        {
            "follower_id": format_ids(users.user_id[follows.follower], ids, seed),
            "followee_id": format_ids(users.user_id[follows.followee], ids, seed),
            "followed_at": format_as(follows.followed_ms, cfg.timestamp_format, 6),
        }
    )


def truth_tables(
    cfg: GenConfig,
    users: Users,
    tweets: Tweets,
    human: Events,
    bots: Events,
    gone: GoneAuthors | None = None,
) -> dict[str, pa.Table]:
    """What only the simulator knows; tests use it, models never read it."""
    slots = np.flatnonzero(users.pref_topics.ravel() >= 0)
    pref_user = slots // users.pref_topics.shape[1]
    n_humans = int((~users.is_bot).sum())
    per_day = human.n / max(n_humans, 1) / cfg.days
    activity = users.activity * per_day
    if bots.n:
        day = (bots.ts_ms - cfg.start_ms) // DAY_MS
        day_key = bots.user.astype(np.int64) * (cfg.days + 2) + day
        active_days = np.bincount(sorted_unique(day_key) // (cfg.days + 2), minlength=users.n)
        bot_rate = np.bincount(bots.user, minlength=users.n) / np.maximum(active_days, 1)
        activity = np.where(users.is_bot, bot_rate, activity)
    ids, seed = cfg.id_format, cfg.seed
    tables = {
        "tweet_topics": pa.table(
            {
                "tweet_id": format_ids(tweets.tweet_id, ids, seed),
                "latent_topic": _strings(tweets.latent_topic, TOPICS),
                "quality": pa.array(np.round(tweets.quality, 4)),
            }
        ),
        "user_preferences": pa.table(
            {
                "user_id": format_ids(users.user_id[pref_user], ids, seed),
                "topic": _strings(users.pref_topics.ravel()[slots], TOPICS),
                "weight": pa.array(np.round(users.pref_weights.ravel()[slots], 4)),
            }
        ),
        "users_truth": pa.table(
            {
                "user_id": format_ids(users.user_id, ids, seed),
                "is_bot": pa.array(users.is_bot),
                "activity": pa.array(np.round(activity, 3)),
            }
        ),
    }
    if cfg.heavy_user_share > 0:  # only then, so the default files keep their columns
        tables["users_truth"] = tables["users_truth"].append_column(
            "is_heavy", pa.array(users.is_heavy)
        )
    if gone is not None:
        rows = np.flatnonzero(gone.kind > 0)
        tables["deleted_authors"] = pa.table(
            {
                "tweet_id": format_ids(tweets.tweet_id[rows], ids, seed),
                "raw_author_id": vocab_column(gone.kind[rows] - 1, ("empty", "dangling")),
                "true_author_id": format_ids(users.user_id[tweets.author[rows]], ids, seed),
            }
        )
    return tables


EVENT_CHUNK = 1_000_000  # rows formatted per step while the previous chunk is written
CHUNKS_AHEAD = 2  # formatted chunks waiting for the writer at most (bounds memory)


def save_in_chunks(
    writer: ThreadPoolExecutor,
    raw: OrderedRaw,
    cfg: GenConfig,
    out: Path,
    fmt: str,
    pending: dict[str, Future[Path]],
) -> list[Future[None]]:
    """Format raw_events chunk by chunk on this thread; the writer thread appends them.

    The single writer thread runs its tasks in submission order, so the file gets the
    chunks in order and its bytes do not depend on timing. Formatting runs at most
    CHUNKS_AHEAD chunks ahead of the writer, so queued text stays small. Returns the
    chunk writes' futures so the caller can surface a failed write.
    """
    first = to_table(raw.rows(0, EVENT_CHUNK), cfg)
    sink = ChunkedWriter(out, "raw_events", fmt, first.schema)
    writes = [writer.submit(sink.write, first)]
    for lo in range(EVENT_CHUNK, raw.n, EVENT_CHUNK):
        if len(writes) >= CHUNKS_AHEAD:
            writes[-CHUNKS_AHEAD].result()
        writes.append(writer.submit(sink.write, to_table(raw.rows(lo, lo + EVENT_CHUNK), cfg)))
    pending["raw_events"] = writer.submit(sink.close)
    return writes


def generate(cfg: GenConfig, out: Path, truth_dir: Path, fmt: str = "csv") -> RunResult:
    """Write raw_<table>.<fmt> into `out` and ground truth CSVs into `truth_dir`.

    The main thread runs the chain that each step needs the last one for (entities,
    events, dirt, event text); one background thread builds and writes everything off
    that chain, in a fixed order: entity tables, app logs, truth, then event chunks.
    A helper thread takes random draws off the chain where only a size is needed.
    Each table depends only on (config, seed), so the files do not depend on timing.
    """
    result = RunResult()
    rngs = dict(
        zip(
            STAGES,
            map(np.random.default_rng, np.random.SeedSequence(cfg.seed).spawn(len(STAGES))),
            strict=True,
        )
    )
    clock = time.perf_counter()
    cpu_start = time.process_time()

    def lap(stage: str) -> None:
        nonlocal clock
        now = time.perf_counter()
        result.seconds[stage] = round(now - clock, 3)
        clock = now

    out.mkdir(parents=True, exist_ok=True)
    truth_dir.mkdir(parents=True, exist_ok=True)
    # Writing (and Arrow's string kernels) release the GIL, as do numpy's big loops:
    # the background thread's work overlaps the main chain on the second core.
    with ThreadPoolExecutor(max_workers=1) as writer, ThreadPoolExecutor(1) as helper:
        pending: dict[str, Future[Path]] = {}

        def save(name: str, build: Callable[[], pa.Table], directory: Path, file_fmt: str) -> None:
            def task() -> Path:
                table = build()
                if directory == out:
                    result.rows[name] = table.num_rows
                return write_table(table, directory, name, file_fmt)

            pending[name] = writer.submit(task)

        users = make_users(cfg, rngs["users"])
        follows = make_follows(cfg, users, rngs["follows"])
        tweets = make_tweets(cfg, users, follows, rngs["tweets"])
        gone = None
        if cfg.deleted_author_rate > 0:
            gone = gone_authors(cfg, users, tweets, rngs["shapes"])
        save("raw_users", lambda: users_table(users, cfg), out, fmt)
        save("raw_tweets", lambda: tweets_table(tweets, users, cfg, gone), out, fmt)
        save("raw_follows", lambda: follows_table(follows, users, cfg), out, fmt)
        lap("entities")
        sessions = plan_sessions(cfg, users, rngs["events"])
        # Logs draw from their own stream and read only the sessions.
        logs_job = writer.submit(make_app_logs, cfg, users, tweets, sessions, rngs["logs"])
        save("raw_app_logs", lambda: logs_job.result()[0], out, fmt)
        human, bots = simulate_events(cfg, users, follows, tweets, sessions, rngs["events"])
        del sessions
        if cfg.no_impressions:  # simulated to drive engagements, never emitted
            human, bots = (e.take(np.flatnonzero(e.etype != IMPRESSION)) for e in (human, bots))
        lags = helper.submit(clean_lags, rngs["dirt"], human.n + bots.n)
        truth = truth_tables(cfg, users, tweets, human, bots, gone)
        n_bots = bots.n
        for name, table in truth.items():
            save(name, lambda table=table: table, truth_dir, "csv")
        lap("events")
        clean = sort_events(concat_events([human, bots]))
        del human, bots
        # The dirt step is the run's memory peak: let the logs (the writer's other big
        # job) be written and freed first. Without contention they are long done here.
        pending["raw_app_logs"].result()
        raw, dirt_counts = inject(
            cfg, to_raw(clean, users, tweets, lags.result()), users, tweets, rngs["dirt"]
        )
        del clean
        result.rows["raw_events"] = raw.n
        lap("dirt")
        chunk_writes = save_in_chunks(writer, raw, cfg, out, fmt, pending)
        logs_table, n_bad_logs = logs_job.result()
        dirt_counts["malformed_log_lines"] = n_bad_logs
        dirt_counts["log_lines"] = logs_table.num_rows
        dirt_counts["bot_events"] = n_bots
        if gone is not None:
            dirt_counts.update(gone.counts())
        counts_table = pa.table(
            {"kind": pa.array(list(dirt_counts)), "rows": pa.array(list(dirt_counts.values()))}
        )
        save("dirt_counts", lambda: counts_table, truth_dir, "csv")
        for write in chunk_writes:
            write.result()  # re-raises a failed chunk write here
        result.paths = [future.result() for future in pending.values()]
    lap("write")
    result.cpu_seconds = round(time.process_time() - cpu_start, 3)
    result.dirt = dirt_counts
    result.rows = {k: result.rows[k] for k in RAW_ORDER}
    return result
