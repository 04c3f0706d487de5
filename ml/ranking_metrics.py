"""Top-k ranking metrics, one small pure function each.

Definitions follow recommenders-team/recommenders (``python_evaluation.py``), which
follows Spark MLlib's RankingMetrics:

- A user's recommendation list is already ranked: position 1 is the best item, and ties
  in score were broken before it got here (by smaller tweet_id in ml.recommendations), so
  every item has a distinct rank (recommenders' ``rank("first")``).
- Relevance is binary: an item is relevant when it is in the user's relevant set.
- Users counted (``per_user_values``): every user with at least one relevant item, the
  same users for every ranker (ml.evaluate). A user the ranker gave no list, or a list
  without any hit, contributes 0 to every metric. (recommenders counts only the
  "common users" with both; that would let a ranker that skips hard users look better.)
- Only the first k recommendations are looked at; a list shorter than k is not padded,
  but precision still divides by k, so its best precision is len(list) / k.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Hashable, Mapping, Sequence, Set

Item = Hashable
RankingMetric = Callable[[Sequence[Item], Set[Item], int], float]


def _validate(recommended: Sequence[Item], relevant: Set[Item], k: int) -> None:
    if k < 1:
        raise ValueError(f"k must be >= 1, got {k}")
    if not relevant:
        raise ValueError("a user without relevant items is not counted (see module docstring)")
    if len(set(recommended)) != len(recommended):
        raise ValueError("recommended items must be unique within one user's list")


def hits_at_k(recommended: Sequence[Item], relevant: Set[Item], k: int) -> int:
    """Number of relevant items among the first k recommendations."""
    _validate(recommended, relevant, k)
    return sum(1 for item in recommended[:k] if item in relevant)


def precision_at_k(recommended: Sequence[Item], relevant: Set[Item], k: int) -> float:
    """precision@k = hits@k / k.

    The denominator is k even when fewer than k items were recommended (Spark's
    ``precisionAt``), so a short list cannot score higher by recommending less.
    """
    return hits_at_k(recommended, relevant, k) / k


def recall_at_k(recommended: Sequence[Item], relevant: Set[Item], k: int) -> float:
    """recall@k = hits@k / |relevant|.

    The denominator is every relevant item, even when |relevant| > k, so recall@k can
    stay below 1 for a perfect list (as in recommenders).
    """
    return hits_at_k(recommended, relevant, k) / len(relevant)


def ndcg_at_k(recommended: Sequence[Item], relevant: Set[Item], k: int) -> float:
    """NDCG@k with binary gains and a log2 discount.

    DCG@k  = sum over positions i = 1..min(k, len(recommended)) of rel_i / log2(i + 1),
             rel_i = 1 if the item at position i is relevant else 0.
    IDCG@k = sum over i = 1..min(k, |relevant|) of 1 / log2(i + 1)
             (all relevant items ranked first).
    NDCG@k = DCG@k / IDCG@k, in [0, 1].

    recommenders defaults to a natural-log discount; the base cancels in the ratio, so
    the value is the same.
    """
    _validate(recommended, relevant, k)
    dcg = sum(
        1.0 / math.log2(position + 1)
        for position, item in enumerate(recommended[:k], start=1)
        if item in relevant
    )
    idcg = sum(1.0 / math.log2(position + 1) for position in range(1, min(k, len(relevant)) + 1))
    return dcg / idcg


def average_precision_at_k(recommended: Sequence[Item], relevant: Set[Item], k: int) -> float:
    """AP@k = (sum over hit positions i <= k of hits@i / i) / min(|relevant|, k).

    hits@i counts relevant items at positions 1..i. The denominator min(|relevant|, k)
    is recommenders' ``map_at_k`` (Spark's ``meanAveragePrecisionAt``): a user with more
    relevant items than k can still reach 1.0 with k hits in a row.
    """
    _validate(recommended, relevant, k)
    hits = 0
    total = 0.0
    for position, item in enumerate(recommended[:k], start=1):
        if item in relevant:
            hits += 1
            total += hits / position
    return total / min(len(relevant), k)


def map_at_k(recommended: Sequence[Item], relevant: Set[Item], k: int) -> float:
    """Per-user term of MAP@k; MAP@k is its mean over users. Same as AP@k."""
    return average_precision_at_k(recommended, relevant, k)


RANKING_METRICS: dict[str, RankingMetric] = {
    "precision_at_k": precision_at_k,
    "recall_at_k": recall_at_k,
    "ndcg_at_k": ndcg_at_k,
    "map_at_k": map_at_k,
}


def per_user_values(
    metric: RankingMetric,
    recommendations: Mapping[Item, Sequence[Item]],
    relevant: Mapping[Item, Set[Item]],
    users: Sequence[Item],
    k: int,
) -> list[float]:
    """`metric` of each of `users` (each must have relevant items); a user without a
    list is scored on an empty one, i.e. 0."""
    return [metric(recommendations.get(u, ()), relevant[u], k) for u in users]
