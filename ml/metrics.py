"""Classification metrics for a CTR model: discrimination, log loss and calibration.

A CTR model's scores are read as probabilities (they rank candidates and are averaged
in reports), so calibration is reported next to ROC AUC rather than left implicit.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

import numpy as np
from sklearn.metrics import brier_score_loss, log_loss, roc_auc_score


@dataclass(frozen=True)
class CalibrationBin:
    """One bin of a reliability table: predictions in [lower, upper) (last bin closed)."""

    bin: int
    lower: float
    upper: float
    count: int
    mean_predicted: float | None
    observed_rate: float | None


def calibration_table(
    y_true: np.ndarray, y_prob: np.ndarray, n_bins: int = 10
) -> list[CalibrationBin]:
    """Reliability table with `n_bins` equal-width bins over [0, 1].

    Bin b (1-based) holds predictions p with (b-1)/n <= p < b/n; p == 1.0 falls in the
    last bin. Empty bins are kept with count 0 and None means, so tables of two models
    line up row by row.
    """
    y = np.asarray(y_true, dtype=np.float64)
    p = np.asarray(y_prob, dtype=np.float64)
    index = np.minimum((p * n_bins).astype(np.int64), n_bins - 1)
    rows = []
    for b in range(n_bins):
        mask = index == b
        count = int(mask.sum())
        rows.append(
            CalibrationBin(
                bin=b + 1,
                lower=b / n_bins,
                upper=(b + 1) / n_bins,
                count=count,
                mean_predicted=float(p[mask].mean()) if count else None,
                observed_rate=float(y[mask].mean()) if count else None,
            )
        )
    return rows


def expected_calibration_error(
    y_true: np.ndarray, y_prob: np.ndarray, n_bins: int = 10
) -> float:
    """ECE = sum over non-empty bins of (count_b / N) * |mean_predicted_b - observed_rate_b|,
    with the bins of `calibration_table`."""
    total = len(y_true)
    if total == 0:
        raise ValueError("expected_calibration_error needs at least one row")
    return float(
        sum(
            (row.count / total) * abs(row.mean_predicted - row.observed_rate)
            for row in calibration_table(y_true, y_prob, n_bins)
            if row.count and row.mean_predicted is not None and row.observed_rate is not None
        )
    )


def classification_metrics(
    y_true: np.ndarray, y_prob: np.ndarray, n_bins: int = 10
) -> dict[str, object]:
    """ROC AUC, log loss, Brier score, ECE, base rates and the reliability table.

    Raises ValueError when `y_true` holds one class only (ROC AUC is undefined).
    """
    y = np.asarray(y_true, dtype=np.int64)
    p = np.asarray(y_prob, dtype=np.float64)
    if len(np.unique(y)) < 2:
        raise ValueError("classification metrics need both classes in the labels")
    return {
        "roc_auc": float(roc_auc_score(y, p)),
        "log_loss": float(log_loss(y, p, labels=[0, 1])),
        "brier": float(brier_score_loss(y, p)),
        "ece": expected_calibration_error(y, p, n_bins),
        "rows": len(y),
        "positive_rate": float(y.mean()),
        "mean_predicted": float(p.mean()),
        "calibration": [asdict(row) for row in calibration_table(y, p, n_bins)],
    }
