"""datagen.search must return exactly np.searchsorted's indices (the output depends on it)."""

from __future__ import annotations

import numpy as np
import pytest

from datagen.search import searchsorted_cdf, searchsorted_within


@pytest.mark.parametrize("side", ["left", "right"])
def test_search_within_ranges_equals_numpy(side: str) -> None:
    """Grouped sorted keys (like edges per user), queries inside and past every group."""
    rng = np.random.default_rng(7)
    sizes = rng.integers(0, 40, size=300)
    sizes[[0, 5, -1]] = [0, 300, 25]  # an empty group, a big one, a non-empty last group
    group = np.repeat(np.arange(sizes.size), sizes)
    a = np.sort((group << 20) | rng.integers(0, 1000, size=group.size))
    first = np.concatenate([[0], np.cumsum(sizes)])
    qgroup = rng.integers(0, sizes.size, size=20_000)
    v = (qgroup << 20) | rng.integers(0, 1100, size=qgroup.size)  # some past the group's top
    v[:200] = (qgroup[:200] << 20) | 0  # below every member
    got = searchsorted_within(a, v, first[qgroup], first[qgroup + 1], side=side)
    assert np.array_equal(got, np.searchsorted(a, v, side=side))


def test_cdf_search_equals_numpy() -> None:
    """Heavy-tailed and zero weights, draws at 0, at cumulative sums and just below the top."""
    rng = np.random.default_rng(3)
    for trial in range(60):
        n = int(rng.integers(1, 3000))
        weights = rng.pareto(1.2, n) * (rng.random(n) < 0.7)
        if trial % 5 == 0:
            weights[:] = 0.0
            weights[rng.integers(0, n)] = 1.0
        cum = np.cumsum(weights)
        if cum[-1] <= 0:
            continue
        u = rng.random(5000) * cum[-1]
        u[:5] = 0.0
        u[5:10] = np.nextafter(cum[-1], 0.0)
        u[10:110] = cum[rng.integers(0, n, size=100)]
        u = u[u < cum[-1]]
        assert np.array_equal(searchsorted_cdf(cum, u), np.searchsorted(cum, u, side="right"))
