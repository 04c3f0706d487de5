"""Small statistics over repeated runs: median with min and max, and growth exponents."""

from __future__ import annotations

import math
import statistics
from collections.abc import Iterable
from dataclasses import dataclass


@dataclass(frozen=True)
class Spread:
    """Median of the repeats with the smallest and largest beside it."""

    median: float
    low: float
    high: float
    n: int

    @classmethod
    def of(cls, values: Iterable[float]) -> Spread | None:
        data = [float(v) for v in values if v is not None]
        if not data:
            return None
        return cls(statistics.median(data), min(data), max(data), len(data))


def exponent(size_a: float, value_a: float, size_b: float, value_b: float) -> float | None:
    """k in value ~ size^k between two sizes (1.0 = linear); None if undefined."""
    if min(size_a, size_b, value_a, value_b) <= 0 or size_a == size_b:
        return None
    return math.log(value_b / value_a) / math.log(size_b / size_a)
