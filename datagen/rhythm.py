"""Daily and weekly rhythm of human activity, and time sampling that follows it.

People post and scroll in their local evening more than at 4 am, and a little more at
weekends; sampling hours from a local-time profile shifted by each user's UTC offset
puts that rhythm into the timestamps, where the warehouse's hour-of-day and
day-of-week aggregates can find it.
"""

from __future__ import annotations

import numpy as np

from datagen.config import DAY_MS, HOUR_MS

# Relative activity per local hour 0..23 (two peaks: lunch and evening).
HOURLY = np.array(
    [3, 2, 1.2, 0.8, 0.6, 0.7, 1.2, 2.2, 3.2, 3.6, 3.8, 4.2,
     5.0, 4.8, 4.2, 4.0, 4.2, 4.8, 5.6, 6.4, 7.0, 6.8, 5.6, 4.2],
    dtype=np.float64,
)  # fmt: skip
# Relative activity Monday..Sunday.
WEEKDAY = np.array([1.0, 0.96, 0.97, 1.0, 1.06, 1.22, 1.16], dtype=np.float64)


def weekday_of(day_ms: int) -> int:
    """Monday = 0 for the UTC day starting at `day_ms` (1970-01-01 was a Thursday)."""
    return int((day_ms // DAY_MS + 3) % 7)


# Heavy human users (--heavy-user-share) sleep: nothing from 1 am to 7 am local time.
SLEEPING = np.where((np.arange(24) >= 1) & (np.arange(24) < 7), 0.0, HOURLY)


def rhythmic_times(
    rng: np.random.Generator,
    n: int,
    first_ms: int,
    n_days: int,
    utc_offset_ms: np.ndarray,
    hourly: np.ndarray = HOURLY,
) -> np.ndarray:
    """`n` epoch-ms times in [first_ms, first_ms + n_days days), shaped by HOURLY/WEEKDAY.

    The hour is drawn in local time and shifted to UTC by each row's offset; a time the
    shift pushes out of the window wraps around by one day, so the window is respected.
    """
    first_weekday = weekday_of(first_ms)
    day_weights = WEEKDAY[(first_weekday + np.arange(n_days)) % 7]
    day = rng.choice(n_days, size=n, p=day_weights / day_weights.sum())
    return times_on_days(rng, day, first_ms, n_days, utc_offset_ms, hourly)


def times_on_days(
    rng: np.random.Generator,
    day: np.ndarray,
    first_ms: int,
    n_days: int,
    utc_offset_ms: np.ndarray,
    hourly: np.ndarray = HOURLY,
) -> np.ndarray:
    """Times on given days of the window (0-based), at local hours drawn from `hourly`."""
    n = day.size
    hour = rng.choice(24, size=n, p=hourly / hourly.sum())
    within = rng.integers(0, HOUR_MS, size=n)
    t = first_ms + day * DAY_MS + hour * HOUR_MS + within - utc_offset_ms
    end_ms = first_ms + n_days * DAY_MS
    t = np.where(t < first_ms, t + DAY_MS, t)
    t = np.where(t >= end_ms, t - DAY_MS, t)
    return np.clip(t, first_ms, end_ms - 1).astype(np.int64)
