"""Tweets whose author account is gone (`--deleted-author-rate`).

Why: real tweet exports outlive the accounts that wrote them. Two shapes occur: the
platform scrubs the foreign key (author_id empty), or the users export simply no longer
has the account (author_id dangles: a well-formed id that is not in raw_users). Half of
the chosen tweets get each. The simulation still knows the real author, so such tweets
keep getting impressions and engagements like any other.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from datagen.config import GenConfig
from datagen.entities import Tweets, Users

EMPTY, DANGLING = 1, 2
DANGLING_BASE = 20  # dangling ids sit above 20 x users, clear of the unknown-user dirt range


@dataclass(frozen=True)
class GoneAuthors:
    """Per tweet: 0 = author known, EMPTY or DANGLING; and the author_id written."""

    kind: np.ndarray
    written_id: np.ndarray  # -1 where empty

    def counts(self) -> dict[str, int]:
        """dirt_counts.csv rows for this kind of dirt."""
        return {
            "deleted_author_empty": int((self.kind == EMPTY).sum()),
            "deleted_author_dangling": int((self.kind == DANGLING).sum()),
        }


def gone_authors(
    cfg: GenConfig, users: Users, tweets: Tweets, rng: np.random.Generator
) -> GoneAuthors:
    """Pick round(rate x tweets) tweets (exact) and decide how each lost its author."""
    n = tweets.n
    count = round(cfg.deleted_author_rate * n)
    chosen = np.sort(rng.choice(n, size=count, replace=False))
    kind = np.zeros(n, dtype=np.int8)
    kind[chosen] = np.where(rng.random(count) < 0.5, EMPTY, DANGLING)
    real = users.user_id[tweets.author]
    # One dangling id per real author, so a gone account's tweets agree with each other.
    dangling = DANGLING_BASE * users.n + real
    written = np.where(kind == EMPTY, -1, np.where(kind == DANGLING, dangling, real))
    return GoneAuthors(kind=kind, written_id=written.astype(np.int64))
