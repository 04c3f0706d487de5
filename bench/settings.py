"""Where the project is, what the dbt project's vars say, and how a size is generated."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import yaml

PROJECT_ROOT = Path(__file__).resolve().parent.parent

# The checked-in sample has 80k events over 3,000 users and 6,000 tweets. The bench
# keeps those densities (events per user and per tweet) at every size, so a bigger
# run is a bigger network with the same behaviour, not the same users more active.
EVENTS_PER_USER = 80_000 / 3_000
EVENTS_PER_TWEET = 80_000 / 6_000

DEFAULT_SIZES = (1_000_000, 3_000_000, 10_000_000)
# DuckDB's memory_limit bounds its buffer manager, not every allocation, and the dbt or
# Python process comes on top: 3GB keeps a stage's whole process within the 4 GB.
DUCKDB_MEMORY_LIMIT = "3GB"
QUICK_SIZES = (20_000,)


def project_vars(root: Path = PROJECT_ROOT) -> dict[str, object]:
    """The `vars:` block of dbt_project.yml (the bench never overrides them)."""
    with (root / "dbt_project.yml").open() as handle:
        return dict(yaml.safe_load(handle).get("vars") or {})


@dataclass(frozen=True)
class DataSize:
    """One generated data set: `events` clean human events (datagen's --events)."""

    events: int
    seed: int = 42

    @property
    def users(self) -> int:
        return max(100, round(self.events / EVENTS_PER_USER))

    @property
    def tweets(self) -> int:
        return max(200, round(self.events / EVENTS_PER_TWEET))

    @property
    def label(self) -> str:
        """1M, 3M, 20k: how the report names the size."""
        if self.events >= 1_000_000 and self.events % 100_000 == 0:
            return f"{self.events / 1_000_000:g}M"
        if self.events >= 1_000 and self.events % 100 == 0:
            return f"{self.events / 1_000:g}k"
        return str(self.events)

    def datagen_args(self, out: Path, truth: Path) -> list[str]:
        return [
            "--events", str(self.events),
            "--users", str(self.users),
            "--tweets", str(self.tweets),
            "--seed", str(self.seed),
            "--format", "parquet",
            "--out", str(out),
            "--truth-dir", str(truth),
            "--quiet",
        ]  # fmt: skip
