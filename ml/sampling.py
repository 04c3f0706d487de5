"""Label-stratified, seeded row samples: what training fits on above
TrainConfig.max_train_rows, and what the quality gate resamples above
QualityGateConfig.bootstrap_max_rows."""

from __future__ import annotations

import numpy as np


def stratified_sample(
    labels: np.ndarray, max_rows: int | None, random_state: int
) -> np.ndarray | None:
    """Sorted indices of a deterministic, label-stratified sample of `max_rows` rows;
    None when there are not more rows than that (or `max_rows` is None): use them all.

    Each label gets its share of `max_rows` (largest remainders break the rounding,
    the smaller label first), drawn uniformly without replacement with a numpy
    Generator seeded by `random_state`; indices are returned sorted, so the sample
    keeps the rows' order."""
    total = len(labels)
    if max_rows is None or total <= max_rows:
        return None
    if max_rows < 1:
        raise ValueError(f"a sample needs max_rows >= 1, got {max_rows}")
    classes, counts = np.unique(labels, return_counts=True)
    exact = counts * (max_rows / total)
    quotas = np.floor(exact).astype(np.int64)
    for i in np.argsort(-(exact - quotas), kind="stable")[: max_rows - int(quotas.sum())]:
        quotas[i] += 1
    rng = np.random.default_rng(random_state)
    parts = [
        rng.choice(np.flatnonzero(labels == label), size=int(quota), replace=False)
        for label, quota in zip(classes, quotas, strict=True)
    ]
    return np.sort(np.concatenate(parts))
