"""Binary searches that stay in cache: the generator's hottest numpy loops.

`np.searchsorted` over a large sorted array with random queries misses the cache at
nearly every step, and the generator runs tens of millions of such queries (sampling
users and follow targets by weight, looking up edges and tweets). Narrowing each query
to a small range first and finishing the search there gives exactly the same indices
for a fraction of the memory traffic.
"""

from __future__ import annotations

import numpy as np


def searchsorted_within(
    a: np.ndarray, v: np.ndarray, lo: np.ndarray, hi: np.ndarray, side: str = "left"
) -> np.ndarray:
    """`np.searchsorted(a, v, side)` for rows whose answer is known to lie in [lo, hi].

    Every row runs the textbook bisection inside its own range; rows that finish drop
    out now and then so the work follows the ranges' sizes, not the largest one.
    """
    out = np.array(lo, dtype=np.int64, copy=True)
    hi = np.asarray(hi, dtype=np.int64)
    v = np.asarray(v)
    rows = np.flatnonzero(out < hi)
    lo_r, hi_r, v_r = out[rows], hi[rows], v[rows]
    last = a.size - 1
    live = np.ones(rows.size, dtype=bool)
    while rows.size:
        mid = (lo_r + hi_r) >> 1
        probe = np.minimum(mid, last)  # a finished row can sit at hi == a.size
        below = a[probe] < v_r if side == "left" else a[probe] <= v_r
        below &= live  # finished rows keep their answer
        lo_r = np.where(below, mid + 1, lo_r)
        hi_r = np.where(below, hi_r, mid)
        live = lo_r < hi_r
        if 2 * np.count_nonzero(live) < live.size:
            done = ~live
            out[rows[done]] = lo_r[done]
            rows, lo_r, hi_r, v_r = rows[live], lo_r[live], hi_r[live], v_r[live]
            live = np.ones(rows.size, dtype=bool)
    out[rows] = lo_r
    return out


def searchsorted_cdf(cum: np.ndarray, u: np.ndarray) -> np.ndarray:
    """`np.searchsorted(cum, u, side="right")` for a cumulative sum and u in [0, cum[-1]).

    One bucket per element splits [0, cum[-1]) evenly; the bucket of u (give or take one,
    for rounding) bounds its answer, which the bucketed search then finds.
    """
    n = cum.size
    if n == 0 or u.size < 1024 or not cum[-1] > 0:
        return np.searchsorted(cum, u, side="right")
    edges = cum[-1] * (np.arange(n + 1, dtype=np.float64) / n)
    start = np.searchsorted(cum, edges, side="right")
    start[-1] = n  # everything is <= cum[-1]
    bucket = (u * (n / cum[-1])).astype(np.int64)
    lo = start[np.clip(bucket - 1, 0, n)]
    hi = start[np.clip(bucket + 2, 0, n)]
    return searchsorted_within(cum, u, lo, hi, side="right")
