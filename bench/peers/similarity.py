"""Item-item similarity in numpy/scipy.sparse: the peer of models/marts/similarity.

Same definition as int_sim_user_tweet_history -> int_sim_tweet_pairs -> sim_tweet_tweet:
per scope, each non-bot user's engaged tweets strictly before the scope's as-of time,
one per (user, tweet) with its last engagement, capped to the user's `history_cap`
most recent (ties: smaller tweet id); the binary user x tweet matrix H gives the
co-occurrence counts C = H.T @ H; pairs with at least `min_cooccurrence` users are
scored (cosine = c / sqrt(n_i n_j), jaccard = c / (n_i + n_j - c)) and the `neighbours_k`
best per tweet kept (cosine rounded to 12 places desc, then neighbour id asc).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pyarrow as pa
import scipy.sparse as sp

INPUT_SQL = """
    select user_id, tweet_id, epoch_us(event_at) as event_us
    from {engagements}
    where is_engagement and not is_bot_user
"""
SCOPES_SQL = "select scope, epoch_us(as_of_at) as as_of_us from {scopes} order by scope"
KEYS = ["scope", "tweet_id", "neighbour_tweet_id"]


@dataclass(frozen=True)
class SimilarityParams:
    """The dbt vars the similarity models read (dbt_project.yml)."""

    history_cap: int
    min_cooccurrence: int
    neighbours_k: int


def _rank_within(groups: np.ndarray) -> np.ndarray:
    """1-based position of each row inside its run of equal `groups` values (sorted input)."""
    n = groups.size
    if n == 0:
        return np.zeros(0, dtype=np.int64)
    starts = np.ones(n, dtype=bool)
    starts[1:] = groups[1:] != groups[:-1]
    first = np.maximum.accumulate(np.where(starts, np.arange(n), 0))
    return np.arange(n) - first + 1


def capped_history(
    user: np.ndarray, tweet: np.ndarray, event_us: np.ndarray, cap: int
) -> tuple[np.ndarray, np.ndarray]:
    """(user, tweet) pairs of each user's `cap` most recently engaged distinct tweets."""
    order = np.lexsort((event_us, tweet, user))
    user, tweet, event_us = user[order], tweet[order], event_us[order]
    last = np.ones(user.size, dtype=bool)
    last[:-1] = (user[1:] != user[:-1]) | (tweet[1:] != tweet[:-1])
    user, tweet, event_us = user[last], tweet[last], event_us[last]
    order = np.lexsort((tweet, -event_us, user))
    user, tweet = user[order], tweet[order]
    keep = _rank_within(user) <= cap
    return user[keep], tweet[keep]


def scope_neighbours(
    user: np.ndarray, tweet: np.ndarray, params: SimilarityParams
) -> dict[str, np.ndarray]:
    """Top-K neighbours of every tweet from one scope's capped (user, tweet) history."""
    user_ids, user_idx = np.unique(user, return_inverse=True)
    tweet_ids, tweet_idx = np.unique(tweet, return_inverse=True)
    h = sp.csr_matrix(
        (np.ones(user_idx.size, dtype=np.int32), (user_idx, tweet_idx)),
        shape=(user_ids.size, tweet_ids.size),
    )
    n_users = np.bincount(tweet_idx, minlength=tweet_ids.size).astype(np.int64)
    co = (h.T @ h).tocoo()
    keep = (co.row != co.col) & (co.data >= params.min_cooccurrence)
    row, col = co.row[keep].astype(np.int64), co.col[keep].astype(np.int64)
    co_users = co.data[keep].astype(np.int64)
    n_row, n_col = n_users[row], n_users[col]
    cosine = co_users.astype(np.float64) / np.sqrt(
        n_row.astype(np.float64) * n_col.astype(np.float64)
    )
    jaccard = co_users.astype(np.float64) / (n_row + n_col - co_users).astype(np.float64)
    # Column index order is tweet id order (np.unique sorts), so `col` breaks ties by id.
    order = np.lexsort((col, -np.round(cosine, 12), row))
    rank = _rank_within(row[order])
    top = order[rank <= params.neighbours_k]
    return {
        "tweet_id": tweet_ids[row[top]],
        "neighbour_tweet_id": tweet_ids[col[top]],
        "n_tweet": n_row[top],
        "n_neighbour": n_col[top],
        "co_users": co_users[top],
        "cosine": cosine[top],
        "jaccard": jaccard[top],
        "neighbour_rank": rank[rank <= params.neighbours_k],
    }


def similarity(
    engagements: dict[str, np.ndarray],
    scopes: list[tuple[str, int]],
    params: SimilarityParams,
) -> pa.Table:
    """sim_tweet_tweet's rows from engagement arrays (user_id, tweet_id, event_us)."""
    parts = []
    for scope, as_of_us in scopes:
        before = engagements["event_us"] < as_of_us
        user, tweet = capped_history(
            engagements["user_id"][before],
            engagements["tweet_id"][before],
            engagements["event_us"][before],
            params.history_cap,
        )
        columns = scope_neighbours(user, tweet, params)
        size = columns["tweet_id"].size
        parts.append(pa.table({"scope": pa.array([scope] * size, pa.string()), **columns}))
    return pa.concat_tables(parts)
