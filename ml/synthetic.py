"""A tiny synthetic warehouse with the marts the ml steps read, for tests and demos.

It is NOT the project's data generator (datagen/ builds raw events for dbt); it writes the
marts directly, with the column contract of marts.feat_training_set,
marts.feat_candidate_training_set (empty: every synthetic training row is logged),
marts.feat_scoring_candidates, marts.fct_candidate_sources, marts.fct_engagements and
marts.dim_tweets, so ml can be
tested before, and independently of, the SQL layers.

The signal is learnable on purpose: a user clicks more on tweets of the topic they prefer
and on better tweets, so a model using f_topic_affinity and f_tweet_quality beats the
CTR baseline, and its backtest recommendations beat popularity.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

import duckdb
import numpy as np
import pyarrow as pa

START = datetime(2026, 1, 1)
N_DAYS = 28
VALIDATION_DAY = 18
TEST_DAY = 23


@dataclass(frozen=True)
class SyntheticSpec:
    seed: int = 7
    n_users: int = 80
    n_tweets: int = 400
    n_topics: int = 5
    impressions_per_user: int = 90
    candidates_per_user: int = 30
    bot_users: int = 2


def _sigmoid(x: np.ndarray) -> np.ndarray:
    return 1.0 / (1.0 + np.exp(-x))


def build_synthetic_warehouse(db_path: Path | str, spec: SyntheticSpec | None = None) -> Path:
    """Create (or replace) the marts in `db_path`; returns the path."""
    spec = spec or SyntheticSpec()
    rng = np.random.default_rng(spec.seed)
    users = np.arange(1, spec.n_users + 1)
    pref = rng.integers(0, spec.n_topics, spec.n_users)
    propensity = rng.normal(0.0, 0.5, spec.n_users)
    tweets = np.arange(1001, 1001 + spec.n_tweets)
    topic = rng.integers(0, spec.n_topics, spec.n_tweets)
    quality = rng.normal(0.0, 1.0, spec.n_tweets)
    created_hours = rng.uniform(-48, N_DAYS * 24 - 24, spec.n_tweets)
    authors = rng.choice(users, spec.n_tweets)
    is_bot = np.zeros(spec.n_users, dtype=bool)
    is_bot[: spec.bot_users] = True

    def features(u: int, t: int, at_hours: float) -> dict[str, object]:
        match = float(pref[u] == topic[t])
        affinity = match + rng.normal(0.0, 0.4)
        return {
            "f_topic_affinity": None if rng.random() < 0.05 else round(affinity, 6),
            "f_tweet_quality": round(quality[t] + rng.normal(0.0, 0.5), 6),
            "f_user_propensity": round(propensity[u] + rng.normal(0.0, 0.2), 4),
            "f_tweet_age_hours": int(max(0.0, at_hours - created_hours[t])),
            "f_noise": round(rng.normal(), 6),
        }

    def click_probability(u: int, t: int) -> float:
        match = float(pref[u] == topic[t])
        return float(_sigmoid(np.array(-1.6 + 1.8 * match + 0.8 * quality[t] + propensity[u])))

    def candidate_pool(u: int, as_of_hours: float) -> np.ndarray:
        live = np.flatnonzero(created_hours < as_of_hours)
        return rng.choice(live, size=min(spec.candidates_per_user, live.size), replace=False)

    test_hours = TEST_DAY * 24.0
    backtest_pool = {u: candidate_pool(u, test_hours) for u in range(spec.n_users)}

    training_rows: list[dict[str, object]] = []
    events: list[dict[str, object]] = []
    for u in range(spec.n_users):
        for _ in range(spec.impressions_per_user):
            at = rng.uniform(0, N_DAYS * 24)
            if at >= test_hours:
                t = int(rng.choice(backtest_pool[u]))
            else:
                live = np.flatnonzero(created_hours < at)
                t = int(rng.choice(live))
            label = int(rng.random() < click_probability(u, t))
            at_ts = START + timedelta(hours=at)
            split = "train"
            if at >= test_hours:
                split = "test"
            elif at >= VALIDATION_DAY * 24:
                split = "validation"
            training_rows.append(
                {
                    "user_id": int(users[u]),
                    "tweet_id": int(tweets[t]),
                    "author_id": int(authors[t]),
                    "impression_at": at_ts,
                    "label": label,
                    "split": split,
                    **features(u, t, at),
                }
            )
            events.append(_event(users[u], tweets[t], authors[t], "impression", at_ts, is_bot[u]))
            if label:
                kind = str(rng.choice(["click", "like", "retweet"]))
                clicked_at = at_ts + timedelta(minutes=1)
                events.append(_event(users[u], tweets[t], authors[t], kind, clicked_at, is_bot[u]))
    training_rows.sort(key=lambda r: (r["impression_at"], r["user_id"], r["tweet_id"]))
    for i, row in enumerate(training_rows, start=1):
        row["impression_id"] = f"imp{i:07d}"
    for i, event in enumerate(sorted(events, key=lambda e: e["event_at"]), start=1):
        event["event_id"] = f"ev{i:08d}"

    candidates: list[dict[str, object]] = []
    for scope, as_of_hours in (("backtest", test_hours), ("serving", N_DAYS * 24.0)):
        for u in range(spec.n_users):
            pool = backtest_pool[u] if scope == "backtest" else candidate_pool(u, as_of_hours)
            retrieval = rng.random(pool.size)
            order = np.argsort(-retrieval, kind="stable")
            for rank, idx in enumerate(order, start=1):
                t = int(pool[idx])
                candidates.append(
                    {
                        "scope": scope,
                        "user_id": int(users[u]),
                        "tweet_id": int(tweets[t]),
                        "author_id": int(authors[t]),
                        "as_of_at": START + timedelta(hours=as_of_hours),
                        "candidate_score": float(retrieval[idx]),
                        "candidate_rank": rank,
                        **features(u, t, as_of_hours),
                    }
                )

    tweets_rows = [
        {
            "tweet_id": int(tweets[t]),
            "author_id": int(authors[t]),
            "created_at": START + timedelta(hours=float(created_hours[t])),
            "topic": f"topic_{topic[t]}",
            "has_media": bool(rng.random() < 0.3),
            "is_deleted": bool(rng.random() < 0.02),
        }
        for t in range(spec.n_tweets)
    ]
    for row in tweets_rows:
        # A deleted tweet goes a day after it was posted.
        row["deleted_at"] = row["created_at"] + timedelta(days=1) if row["is_deleted"] else None
    # Two retrieval sources take turns down each candidate list.
    source_rows = [
        {
            "scope": c["scope"],
            "user_id": c["user_id"],
            "tweet_id": c["tweet_id"],
            "source": "item_similarity" if c["candidate_rank"] % 2 else "topic_popularity",
            "source_score": c["candidate_score"],
            "source_rank": (int(c["candidate_rank"]) + 1) // 2,
        }
        for c in candidates
    ]

    path = Path(db_path)
    path.parent.mkdir(parents=True, exist_ok=True)
    con = duckdb.connect(str(path))
    try:
        con.execute("create schema if not exists marts")
        _write(con, "training_rows", training_rows)
        _write(con, "candidate_rows", candidates)
        _write(con, "event_rows", events)
        _write(con, "tweet_rows", tweets_rows)
        _write(con, "source_rows", source_rows)
        feature_sql = """
            cast(f_topic_affinity as double) as f_topic_affinity,
            cast(f_tweet_quality as double) as f_tweet_quality,
            cast(f_user_propensity as decimal(10, 4)) as f_user_propensity,
            cast(f_tweet_age_hours as integer) as f_tweet_age_hours,
            cast(f_noise as double) as f_noise"""
        con.execute(
            f"""
            create or replace table marts.feat_training_set as
            select impression_id, user_id, tweet_id, author_id, impression_at,
                   cast(label as integer) as label, split, {feature_sql}
            from training_rows order by impression_id
            """
        )
        con.execute(
            f"""
            create or replace table marts.feat_candidate_training_set as
            select impression_id as request_id, 'train' as scope, user_id, tweet_id, author_id,
                   impression_at as as_of_at, cast(label as integer) as label, split,
                   {feature_sql}
            from training_rows where false
            """
        )
        con.execute(
            f"""
            create or replace table marts.feat_scoring_candidates as
            select scope, user_id, tweet_id, author_id, as_of_at, candidate_score,
                   candidate_rank, {feature_sql}
            from candidate_rows
            """
        )
        con.execute(
            """
            create or replace table marts.fct_engagements as
            select event_id, user_id, tweet_id, author_id, event_type, event_at, is_bot_user,
                   event_type not in ('impression', 'negative_feedback') as is_engagement
            from event_rows order by event_id
            """
        )
        con.execute("create or replace table marts.dim_tweets as select * from tweet_rows")
        con.execute(
            "create or replace table marts.fct_candidate_sources as select * from source_rows"
        )
        for name in ("training_rows", "candidate_rows", "event_rows", "tweet_rows", "source_rows"):
            con.unregister(name)
    finally:
        con.close()
    return path


def _event(
    user_id: np.integer, tweet_id: np.integer, author_id: np.integer, kind: str,
    at: datetime, is_bot: np.bool_,
) -> dict[str, object]:
    return {
        "user_id": int(user_id),
        "tweet_id": int(tweet_id),
        "author_id": int(author_id),
        "event_type": kind,
        "event_at": at,
        "is_bot_user": bool(is_bot),
    }


def _write(con: duckdb.DuckDBPyConnection, name: str, rows: list[dict[str, object]]) -> None:
    con.register(name, pa.Table.from_pylist(rows))
