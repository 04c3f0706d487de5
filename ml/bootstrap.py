"""Percentile bootstrap intervals for means over users, paired across rankers.

Every ranker is judged on the same users, so one matrix of resampled user indices
serves them all: a resample that happens to hold easy users holds them for every
ranker, and two rankers' intervals differ only by their own variation. The
indices come from ``numpy.random.default_rng(seed)``: the same seed, user count and
resample count give the same intervals.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class Interval:
    """A mean over users and its percentile bootstrap interval."""

    value: float
    low: float
    high: float

    def overlaps(self, other: Interval) -> bool:
        return self.low <= other.high and other.low <= self.high


def resample_indices(n_users: int, resamples: int, seed: int) -> np.ndarray:
    """(resamples, n_users) indices drawn with replacement, seeded."""
    if n_users < 1:
        raise ValueError("a bootstrap needs at least one user")
    if resamples < 1:
        raise ValueError(f"resamples must be >= 1, got {resamples}")
    return np.random.default_rng(seed).integers(0, n_users, size=(resamples, n_users))


def mean_interval(values: np.ndarray, indices: np.ndarray, confidence: float) -> Interval:
    """Mean of `values` (one per user) and the central `confidence` percentile interval
    of the resampled means (`indices` from resample_indices, same user order)."""
    if not 0 < confidence < 1:
        raise ValueError(f"confidence must be in (0, 1), got {confidence}")
    values = np.asarray(values, dtype=np.float64)
    if indices.shape[1] != values.size:
        raise ValueError(f"{values.size} values for indices over {indices.shape[1]} users")
    means = values[indices].mean(axis=1)
    tail = (1.0 - confidence) / 2.0 * 100.0
    low, high = np.percentile(means, [tail, 100.0 - tail])
    return Interval(float(values.mean()), float(low), float(high))
