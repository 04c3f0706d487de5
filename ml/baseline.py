"""The non-ML baseline a model must beat: smoothed user CTR x smoothed tweet popularity.

Computed from the TRAIN split's labels only (never from features, so it does not depend
on which f_ columns the feature mart offers):

    g          = mean(label) over train rows                       (global CTR)
    user_ctr   = (positives_u + m * g) / (impressions_u + m)       per user in train
    tweet_ctr  = (positives_t + m * g) / (impressions_t + m)       per tweet in train
    baseline p = clip(user_ctr * tweet_ctr / g, 1e-6, 1 - 1e-6)

m is ``TrainConfig.baseline_prior_strength`` (pseudo-impressions at the global CTR).
A user or tweet absent from train gets g, i.e. a neutral factor of 1. This is the
classic "how often does this user click" x "how popular is this tweet" heuristic a
timeline would use without a model.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

_EPS = 1e-6


def _smoothed_rates(
    keys: np.ndarray, labels: np.ndarray, prior: float, strength: float
) -> dict[int, float]:
    unique, inverse = np.unique(keys, return_inverse=True)
    impressions = np.bincount(inverse).astype(np.float64)
    positives = np.bincount(inverse, weights=labels.astype(np.float64))
    rates = (positives + strength * prior) / (impressions + strength)
    return {int(k): float(r) for k, r in zip(unique, rates, strict=True)}


@dataclass(frozen=True)
class CtrBaseline:
    """Fitted baseline: global CTR and smoothed per-user / per-tweet CTRs."""

    global_ctr: float
    user_ctr: dict[int, float]
    tweet_ctr: dict[int, float]
    prior_strength: float

    @classmethod
    def fit(
        cls,
        user_ids: np.ndarray,
        tweet_ids: np.ndarray,
        labels: np.ndarray,
        prior_strength: float = 20.0,
    ) -> CtrBaseline:
        y = np.asarray(labels, dtype=np.float64)
        if y.size == 0:
            raise ValueError("the baseline needs at least one training row")
        g = float(y.mean())
        return cls(
            global_ctr=g,
            user_ctr=_smoothed_rates(np.asarray(user_ids), y, g, prior_strength),
            tweet_ctr=_smoothed_rates(np.asarray(tweet_ids), y, g, prior_strength),
            prior_strength=prior_strength,
        )

    def predict(self, user_ids: np.ndarray, tweet_ids: np.ndarray) -> np.ndarray:
        g = self.global_ctr
        if g <= 0.0:
            return np.full(len(user_ids), _EPS)
        user = _lookup(self.user_ctr, np.asarray(user_ids), g)
        tweet = _lookup(self.tweet_ctr, np.asarray(tweet_ids), g)
        return np.clip(user * tweet / g, _EPS, 1.0 - _EPS)


def _lookup(rates: dict[int, float], keys: np.ndarray, default: float) -> np.ndarray:
    """`rates.get(key, default)` for every key, vectorised (a sorted-key binary search
    instead of one dict lookup per row: 1.4M validation rows at 10M events)."""
    if not rates or len(keys) == 0:
        return np.full(len(keys), default, dtype=np.float64)
    known = np.fromiter(rates.keys(), dtype=np.int64, count=len(rates))
    values = np.fromiter(rates.values(), dtype=np.float64, count=len(rates))
    order = np.argsort(known, kind="stable")
    known, values = known[order], values[order]
    wanted = keys.astype(np.int64, copy=False)
    position = np.minimum(np.searchsorted(known, wanted), len(known) - 1)
    return np.where(known[position] == wanted, values[position], default)
