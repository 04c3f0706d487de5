"""The rankers the model is compared with, each a list per user as of the cut-off T.

Every ranker ranks only what a feed could show at T: tweets live then (created strictly
before T, not deleted at T) that the user had not engaged with before T. None of them
reads anything at or after T.

- global popularity: most distinct non-bot engagers before T (ties: smaller tweet_id);
- recent popularity: non-bot engagements before T, each halved every
  ``half_life_hours`` of its age (ties: smaller tweet_id);
- item-kNN: the item-similarity retrieval source alone, by its own score
  (marts.fct_candidate_sources, source 'item_similarity');
- random: k tweets drawn uniformly per user, seeded by (seed, user id), so a user's list
  does not depend on which other users are evaluated;
- ground truth (generated data only): the terms of the generator's engagement logit that
  its truth files give, 3.2 * topic affinity (preference weight / the user's largest)
  + 0.9 * logit(quality) - 0.45 * ln(1 + age hours / 6), over tweets younger than the
  7 days the generator shows. It knows each user's latent taste, which no ranker in the
  warehouse does, but not who follows whom or which tweets were shown: an upper
  reference, not a bound every ranker must stay under.
"""

from __future__ import annotations

import csv
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import duckdb
import numpy as np

from ml.db import MARTS_SCHEMA

Lists = dict[int, list[int]]
ItemSets = dict[int, set[int]]

# The generator shows tweets younger than this (datagen/events.py, make_impressions).
TRUTH_VISIBLE_HOURS = 7 * 24
TRUTH_FILES = ("user_preferences.csv", "tweet_topics.csv")
# The generator's observed topic is its latent topic with classifier noise: they agree on
# 86% of the sample's tweets, and on about 1 in 12 between two unrelated logs.
TRUTH_MIN_TOPIC_AGREEMENT = 0.5


@dataclass(frozen=True)
class Catalogue:
    """Tweets live at T, oldest first, with their age in hours at T and their topic as
    the warehouse knows it (None when unknown)."""

    tweet_ids: np.ndarray
    age_hours: np.ndarray
    topics: tuple[str | None, ...]


def live_catalogue(con: duckdb.DuckDBPyConnection, cutoff: datetime) -> Catalogue:
    rows = con.execute(
        f"""
        select
            cast(tweet_id as bigint),
            epoch_ms(cast(? as timestamp)) - epoch_ms(created_at),
            cast(topic as varchar)
        from {MARTS_SCHEMA}.dim_tweets
        where created_at < ? and (deleted_at is null or deleted_at > ?)
        order by created_at, tweet_id
        """,
        [cutoff, cutoff, cutoff],
    ).fetchall()
    ids = np.array([r[0] for r in rows], dtype=np.int64)
    ages = np.array([r[1] for r in rows], dtype=np.float64) / 3_600_000.0
    return Catalogue(ids, ages, tuple(r[2] for r in rows))


def seen_items(con: duckdb.DuckDBPyConnection, cutoff: datetime) -> ItemSets:
    """Per user, the tweets they engaged with before T (bot or not: they saw them)."""
    seen: ItemSets = defaultdict(set)
    for user_id, tweet_id in con.execute(
        f"""
        select distinct cast(user_id as bigint), cast(tweet_id as bigint)
        from {MARTS_SCHEMA}.fct_engagements
        where is_engagement and event_at < ?
        """,
        [cutoff],
    ).fetchall():
        seen[int(user_id)].add(int(tweet_id))
    return dict(seen)


def first_k_unseen(order: Iterable[int], users: Sequence[int], seen: ItemSets, k: int) -> Lists:
    """Each user's first k items of one global order, skipping their seen items."""
    order = list(order)
    lists: Lists = {}
    for user in users:
        own = seen.get(user, set())
        picked: list[int] = []
        for item in order:
            if item not in own:
                picked.append(item)
                if len(picked) == k:
                    break
        lists[user] = picked
    return lists


def global_popularity_order(
    con: duckdb.DuckDBPyConnection, cutoff: datetime, catalogue: Catalogue
) -> list[int]:
    rows = con.execute(
        f"""
        select cast(tweet_id as bigint)
        from {MARTS_SCHEMA}.fct_engagements
        where is_engagement and not is_bot_user and event_at < ?
        group by tweet_id
        order by count(distinct user_id) desc, tweet_id asc
        """,
        [cutoff],
    ).fetchall()
    live = set(catalogue.tweet_ids.tolist())
    return [int(t) for (t,) in rows if int(t) in live]


def recent_popularity_order(
    con: duckdb.DuckDBPyConnection, cutoff: datetime, catalogue: Catalogue, half_life_hours: float
) -> list[int]:
    rows = con.execute(
        f"""
        select cast(tweet_id as bigint)
        from {MARTS_SCHEMA}.fct_engagements
        where is_engagement and not is_bot_user and event_at < ?
        group by tweet_id
        order by
            round(sum(pow(2.0, -(epoch_ms(cast(? as timestamp)) - epoch_ms(event_at))
                / 3600000.0 / ?)), 12) desc,
            tweet_id asc
        """,
        [cutoff, cutoff, half_life_hours],
    ).fetchall()
    live = set(catalogue.tweet_ids.tolist())
    return [int(t) for (t,) in rows if int(t) in live]


def source_lists(
    con: duckdb.DuckDBPyConnection, source: str, users: Sequence[int], k: int
) -> Lists:
    """One retrieval source's backtest list per user, by its own rank."""
    lists: Lists = {user: [] for user in users}
    for user_id, tweet_id in con.execute(
        f"""
        select user_id, tweet_id
        from {MARTS_SCHEMA}.fct_candidate_sources
        where scope = 'backtest' and source = ? and source_rank <= ?
        order by user_id, source_rank
        """,
        [source, k],
    ).fetchall():
        if int(user_id) in lists:
            lists[int(user_id)].append(int(tweet_id))
    return lists


def random_lists(
    catalogue: Catalogue, users: Sequence[int], seen: ItemSets, k: int, seed: int
) -> Lists:
    lists: Lists = {}
    ids = catalogue.tweet_ids
    for user in users:
        own = seen.get(user, set())
        draw = min(ids.size, k + len(own))
        rng = np.random.default_rng([seed, user & 0x7FFFFFFFFFFFFFFF])
        order = rng.choice(ids.size, size=draw, replace=False)
        lists[user] = [int(ids[i]) for i in order if int(ids[i]) not in own][:k]
    return lists


def truth_files_missing(truth_dir: Path | None) -> str:
    """Why the ground-truth ranker cannot run ('' when it can)."""
    if truth_dir is None:
        return "no ground-truth directory given (EvaluateConfig.truth_dir, --truth-dir)"
    missing = [name for name in TRUTH_FILES if not (truth_dir / name).is_file()]
    if missing:
        return f"{truth_dir} has no {', '.join(missing)}"
    return ""


def _read_csv(path: Path) -> list[dict[str, str]]:
    with path.open(newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


Truth = tuple[dict[int, dict[str, float]], dict[int, tuple[str, float]]]


def read_truth(truth_dir: Path) -> Truth:
    """(user -> topic -> preference weight, tweet -> (latent topic, quality)); ValueError
    when the ids are not integers (text ids, which the warehouse hashes) or a column is
    missing."""
    preferences: dict[int, dict[str, float]] = defaultdict(dict)
    try:
        for row in _read_csv(truth_dir / "user_preferences.csv"):
            preferences[int(row["user_id"])][row["topic"]] = float(row["weight"])
        tweets = {
            int(row["tweet_id"]): (row["latent_topic"], float(row["quality"]))
            for row in _read_csv(truth_dir / "tweet_topics.csv")
        }
    except KeyError as exc:
        raise ValueError(f"no column {exc}") from exc
    return dict(preferences), tweets


def truth_mismatch(truth: Truth, catalogue: Catalogue, users: Sequence[int]) -> str:
    """Why the truth does not describe this warehouse ('' when it does): too few of its
    users or live tweets, or latent topics that disagree with the observed ones (another
    generated log reuses the same integer ids)."""
    preferences, tweets = truth
    visible = catalogue.age_hours < TRUTH_VISIBLE_HOURS
    known = np.array([int(t) in tweets for t in catalogue.tweet_ids], dtype=bool)
    covered = sum(1 for u in users if u in preferences)
    if not known[visible].any() or covered < len(users) / 2:
        return (
            f"{covered} of {len(users)} users, {int(known[visible].sum())} of "
            f"{int(visible.sum())} live tweets known"
        )
    pairs = [
        (tweets[int(t)][0], topic)
        for t, topic, ok in zip(catalogue.tweet_ids, catalogue.topics, known, strict=True)
        if ok and topic is not None
    ]
    agree = sum(1 for latent, observed in pairs if latent == observed)
    if pairs and agree < TRUTH_MIN_TOPIC_AGREEMENT * len(pairs):
        return (
            f"its latent topics match the warehouse's topics on {agree} of {len(pairs)} "
            f"live tweets; at least {TRUTH_MIN_TOPIC_AGREEMENT:.0%} expected"
        )
    return ""


def ground_truth_lists(
    truth_dir: Path, catalogue: Catalogue, users: Sequence[int], seen: ItemSets, k: int
) -> tuple[Lists, str]:
    """(lists, why not): no lists, and the reason, when the truth files cannot be read or
    do not describe this warehouse (truth_mismatch)."""
    try:
        truth = read_truth(truth_dir)
    except ValueError as exc:
        return {}, f"the ground truth in {truth_dir} cannot be read: {exc}"
    if mismatch := truth_mismatch(truth, catalogue, users):
        return {}, f"the ground truth in {truth_dir} does not describe this warehouse ({mismatch})"
    preferences, tweets = truth
    keep = np.flatnonzero((catalogue.age_hours < TRUTH_VISIBLE_HOURS) & np.array(
        [int(t) in tweets for t in catalogue.tweet_ids], dtype=bool
    ))
    ids = catalogue.tweet_ids[keep]
    topics = sorted({tweets[int(t)][0] for t in ids})
    topic_index = np.array([topics.index(tweets[int(t)][0]) for t in ids])
    quality = np.clip(np.array([tweets[int(t)][1] for t in ids]), 1e-9, 1 - 1e-9)
    base = 0.9 * np.log(quality / (1 - quality)) - 0.45 * np.log1p(catalogue.age_hours[keep] / 6.0)
    lists: Lists = {}
    for user in users:
        weights = preferences.get(user, {})
        top = max(weights.values(), default=0.0)
        affinity = np.array([weights.get(t, 0.0) / top if top else 0.0 for t in topics])
        score = base + 3.2 * affinity[topic_index]
        own = seen.get(user, set())
        # Only the best k + |seen| can make the list: sort those, not the catalogue.
        take = min(ids.size, k + len(own))
        best = np.argpartition(-score, take - 1)[:take]
        best = best[np.lexsort((ids[best], -score[best]))]
        lists[user] = [int(ids[i]) for i in best if int(ids[i]) not in own][:k]
    return lists, ""
