"""A model's feature vectors for (user, tweet) pairs, assembled from the online store.

The warehouse computes every feature of a serving request at the serving as-of time T
in one of five entity tables (models/marts/serving: user, tweet, author, user x author,
user x topic), with the same macros and rules as the point-in-time join; the snapshot
adds the retrieval features of each retrieved (user, tweet) pair. Online, a vector is
a lookup in each part. The only rules here are what a missing row means, each the
batch join's own:

- a (user, author) pair without a row has no history: counts, follow flag, affinity 0;
- a (user, topic) pair without a row has 0 engagements, so a share of 0, or NULL for a
  user with no engagement at all; a tweet without a topic has NULL for both;
- a pair retrieval did not propose has NULL retrieval features (as logged rows do);
- f_position is 0 and f_is_own_tweet compares the user with the author, as for every
  scoring candidate.

Features are float32 throughout, cast by DuckDB exactly as batch scoring reads them, so
an online vector equals the batch one bit for bit (tests/test_serving_parity.py).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ml.features import FEATURE_DTYPE

# The parts of the online store, in the order features are looked for in them.
ENTITY_PARTS = ("user", "tweet", "author", "user_author", "user_topic", "candidate")
# Features no table holds: their value is set by the request's own shape.
POSITION_FEATURE = "f_position"
OWN_TWEET_FEATURE = "f_is_own_tweet"
TOPIC_ENGAGEMENTS_FEATURE = "f_user_topic_engagements"
TOPIC_SHARE_FEATURE = "f_user_topic_share"
USER_ENGAGEMENTS_FEATURE = "f_user_engagements"
# A scoring candidate's slot in a feed is unknown: the batch join gives it position 0.
CANDIDATE_POSITION = 0.0


class OnlineFeatureError(ValueError):
    """The snapshot cannot produce a feature the model reads."""


@dataclass(frozen=True)
class FeatureTable:
    """One part's features: `columns` (f_ names) over the rows of `values` (float32)."""

    columns: tuple[str, ...]
    values: np.ndarray


@dataclass(frozen=True)
class PairIndex:
    """Rows keyed by (first, second), sorted by first then second: a user's pairs are
    one contiguous slice, found by two binary searches, then searched within."""

    first: np.ndarray
    second: np.ndarray

    def find(self, first: int, seconds: np.ndarray) -> np.ndarray:
        """The row of each (first, seconds[i]), or -1 where there is none."""
        lo = int(np.searchsorted(self.first, first, side="left"))
        hi = int(np.searchsorted(self.first, first, side="right"))
        rows = np.full(seconds.shape[0], -1, dtype=np.int64)
        if lo == hi:
            return rows
        block = self.second[lo:hi]
        at = np.searchsorted(block, seconds)
        inside = at < block.shape[0]
        hit = np.zeros(seconds.shape[0], dtype=bool)
        hit[inside] = block[at[inside]] == seconds[inside]
        rows[hit] = lo + at[hit]
        return rows


@dataclass(frozen=True)
class OnlineParts:
    """The online store in memory: entity tables and the pair indexes over them."""

    users: FeatureTable
    user_ids: np.ndarray
    tweets: FeatureTable
    tweet_ids: np.ndarray
    tweet_author_ids: np.ndarray
    tweet_author_rows: np.ndarray
    # Topic code per tweet (-1: no topic); user_topics use the same codes.
    tweet_topics: np.ndarray
    authors: FeatureTable
    user_authors: FeatureTable
    user_author_index: PairIndex
    user_topics: FeatureTable
    user_topic_index: PairIndex
    candidates: FeatureTable
    candidate_index: PairIndex


@dataclass(frozen=True)
class FeaturePlan:
    """Where each of a model's features comes from: per part, the model's column
    positions and the part's column positions, so a vector is filled part by part."""

    n_features: int
    targets: dict[str, np.ndarray]
    sources: dict[str, np.ndarray]
    position: int | None
    own_tweet: int | None
    topic_engagements: int | None
    topic_share: int | None
    user_engagements: int | None


def build_plan(features: list[str], parts: dict[str, tuple[str, ...]]) -> FeaturePlan:
    """Map each feature of `features` (the model's order) to the part holding it.

    Raises OnlineFeatureError naming every feature no part holds, or one that two parts
    hold, so a snapshot that cannot score the model is refused when published and
    when loaded, never mid-request."""
    located: dict[str, str] = {}
    duplicated = []
    for part in ENTITY_PARTS:
        for name in parts.get(part, ()):
            if name in located:
                duplicated.append(name)
            located[name] = part
    special = {POSITION_FEATURE, OWN_TWEET_FEATURE}
    missing = [f for f in features if f not in located and f not in special]
    if missing or duplicated:
        problems = []
        if missing:
            problems.append(f"no online source for {', '.join(missing)}")
        if duplicated:
            problems.append(f"held by two parts: {', '.join(sorted(set(duplicated)))}")
        raise OnlineFeatureError(
            "the online store cannot assemble the model's features: " + "; ".join(problems)
            + ". Add each feature to a model in models/marts/serving (feat_online_*)."
        )
    targets: dict[str, list[int]] = {part: [] for part in ENTITY_PARTS}
    sources: dict[str, list[int]] = {part: [] for part in ENTITY_PARTS}
    for position, name in enumerate(features):
        part = located.get(name)
        if part is None:
            continue
        targets[part].append(position)
        sources[part].append(parts[part].index(name))
    user_columns = parts.get("user", ())
    return FeaturePlan(
        n_features=len(features),
        targets={p: np.asarray(v, dtype=np.intp) for p, v in targets.items()},
        sources={p: np.asarray(v, dtype=np.intp) for p, v in sources.items()},
        position=features.index(POSITION_FEATURE) if POSITION_FEATURE in features else None,
        own_tweet=features.index(OWN_TWEET_FEATURE) if OWN_TWEET_FEATURE in features else None,
        topic_engagements=_index(features, TOPIC_ENGAGEMENTS_FEATURE),
        topic_share=_index(features, TOPIC_SHARE_FEATURE),
        user_engagements=(
            user_columns.index(USER_ENGAGEMENTS_FEATURE)
            if USER_ENGAGEMENTS_FEATURE in user_columns
            else None
        ),
    )


def _index(features: list[str], name: str) -> int | None:
    return features.index(name) if name in features else None


def assemble(
    plan: FeaturePlan, parts: OnlineParts, user_row: int, tweet_rows: np.ndarray
) -> np.ndarray:
    """Feature vectors (len(tweet_rows) x features, float32, NULL as NaN) of the user
    at `user_row` with each tweet at `tweet_rows`, at the snapshot's as-of time."""
    n = tweet_rows.shape[0]
    out = np.empty((n, plan.n_features), dtype=FEATURE_DTYPE)
    user_id = int(parts.user_ids[user_row])
    _fill(out, plan, "user", parts.users.values[user_row : user_row + 1])
    _fill(out, plan, "tweet", parts.tweets.values[tweet_rows])
    _fill(out, plan, "author", parts.authors.values[parts.tweet_author_rows[tweet_rows]])
    author_ids = parts.tweet_author_ids[tweet_rows]
    _fill_pairs(
        out, plan, "user_author", parts.user_authors,
        parts.user_author_index.find(user_id, author_ids), default=0.0,
    )
    _fill_pairs(
        out, plan, "candidate", parts.candidates,
        parts.candidate_index.find(user_id, parts.tweet_ids[tweet_rows]), default=np.nan,
    )
    topics = parts.tweet_topics[tweet_rows]
    topic_rows = parts.user_topic_index.find(user_id, topics)
    _fill_pairs(out, plan, "user_topic", parts.user_topics, topic_rows, default=np.nan)
    absent = (topic_rows < 0) & (topics >= 0)
    if plan.topic_engagements is not None:
        out[absent, plan.topic_engagements] = 0.0
    if plan.topic_share is not None:
        engaged = (
            plan.user_engagements is not None
            and parts.users.values[user_row, plan.user_engagements] > 0
        )
        out[absent, plan.topic_share] = 0.0 if engaged else np.nan
    if plan.position is not None:
        out[:, plan.position] = CANDIDATE_POSITION
    if plan.own_tweet is not None:
        out[:, plan.own_tweet] = (author_ids == user_id).astype(FEATURE_DTYPE)
    return out


def _fill(out: np.ndarray, plan: FeaturePlan, part: str, rows: np.ndarray) -> None:
    if plan.targets[part].size:
        out[:, plan.targets[part]] = rows[:, plan.sources[part]]


def _fill_pairs(
    out: np.ndarray,
    plan: FeaturePlan,
    part: str,
    table: FeatureTable,
    rows: np.ndarray,
    default: float,
) -> None:
    """Copy the found pairs' features; the pairs without a row get `default`."""
    targets = plan.targets[part]
    if not targets.size:
        return
    found = rows >= 0
    block = np.full((rows.shape[0], targets.size), default, dtype=FEATURE_DTYPE)
    if found.any():
        block[found] = table.values[rows[found]][:, plan.sources[part]]
    out[:, targets] = block
