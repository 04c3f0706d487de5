"""Population stability index (PSI), the drift measure rpt_feature_drift computes in SQL.

Definition (the SQL model implements exactly this; tests cross-check the two):

- Bins come from the reference window only: the n-1 inner edges are the reference's
  quantiles at 1/n, 2/n, ..., (n-1)/n (linear interpolation, numpy's default and
  DuckDB's ``quantile_cont``), over non-NULL values. Deciles for n = 10.
- A non-NULL value v goes to bin 1 + (number of edges strictly below v), so bin 1 is
  v <= edge_1 and bin n is v > edge_(n-1). Repeated edges (a discrete feature) leave
  some bins empty; that is fine.
- NULL is its own bin (bin 0), so a change in the missing rate counts as drift.
- Shares are bin count / all rows of the window (NULLs included); a share below the
  floor (0.0001) is raised to it, so empty bins do not give log(0).
- PSI = sum over bins of (ref% - cur%) * ln(ref% / cur%).
"""

from __future__ import annotations

import numpy as np

DEFAULT_BINS = 10
DEFAULT_FLOOR = 1e-4


def reference_bin_edges(reference: np.ndarray, n_bins: int = DEFAULT_BINS) -> np.ndarray:
    """The n_bins - 1 inner edges: reference quantiles at i / n_bins (NULL/NaN ignored)."""
    values = np.asarray(reference, dtype=np.float64)
    values = values[~np.isnan(values)]
    if values.size == 0:
        return np.empty(0, dtype=np.float64)
    probabilities = np.arange(1, n_bins) / n_bins
    return np.quantile(values, probabilities, method="linear")


def assign_bins(values: np.ndarray, edges: np.ndarray) -> np.ndarray:
    """Bin number per value: 0 for NaN, else 1 + number of edges strictly below it."""
    v = np.asarray(values, dtype=np.float64)
    bins = np.searchsorted(edges, v, side="left") + 1
    return np.where(np.isnan(v), 0, bins)


def bin_shares(values: np.ndarray, edges: np.ndarray, n_bins: int = DEFAULT_BINS) -> np.ndarray:
    """Share of rows per bin 0..n_bins (bin 0 = NULL); sums to 1 for a non-empty window."""
    v = np.asarray(values, dtype=np.float64)
    if v.size == 0:
        raise ValueError("cannot compute shares of an empty window")
    counts = np.bincount(assign_bins(v, edges), minlength=n_bins + 1)
    return counts / v.size


def psi(
    reference: np.ndarray,
    current: np.ndarray,
    n_bins: int = DEFAULT_BINS,
    floor: float = DEFAULT_FLOOR,
) -> float:
    """PSI of `current` against `reference` (see the module docstring for every rule)."""
    edges = reference_bin_edges(reference, n_bins)
    ref = np.maximum(bin_shares(reference, edges, n_bins), floor)
    cur = np.maximum(bin_shares(current, edges, n_bins), floor)
    return float(np.sum((ref - cur) * np.log(ref / cur)))


def psi_status(value: float, warn_threshold: float = 0.1, alert_threshold: float = 0.25) -> str:
    """'ok' below warn, 'warn' from warn up to alert, 'alert' at or above alert."""
    if value >= alert_threshold:
        return "alert"
    if value >= warn_threshold:
        return "warn"
    return "ok"
