"""Sizes, rates and constants of one generator run.

Everything that changes the output lives in `GenConfig`, so a run is fully described by
(config, seed) and two runs with equal configs write byte-identical files.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from dataclasses import dataclass

# Latent topics. The classifier's observed topic uses the same vocabulary (with noise).
TOPICS: tuple[str, ...] = (
    "sports",
    "politics",
    "music",
    "tech",
    "gaming",
    "movies",
    "food",
    "travel",
    "fashion",
    "science",
    "finance",
    "health",
)

# Event types in the contract; index 0 is the impression every engagement follows.
EVENT_TYPES: tuple[str, ...] = (
    "impression",
    "click",
    "like",
    "retweet",
    "reply",
    "profile_click",
    "negative_feedback",
)
ENGAGEMENT_TYPES: tuple[str, ...] = EVENT_TYPES[1:]

CLIENTS: tuple[str, ...] = ("ios", "android", "web")

# Country, language, share of users, UTC offset in hours (drives the local daily rhythm).
COUNTRIES: tuple[tuple[str, str, float, float], ...] = (
    ("US", "en", 0.30, -5.0),
    ("BR", "pt", 0.10, -3.0),
    ("GB", "en", 0.08, 0.0),
    ("IN", "en", 0.10, 5.5),
    ("JP", "ja", 0.08, 9.0),
    ("DE", "de", 0.06, 1.0),
    ("FR", "fr", 0.05, 1.0),
    ("MX", "es", 0.06, -6.0),
    ("ES", "es", 0.04, 1.0),
    ("ID", "id", 0.05, 7.0),
    ("KR", "ko", 0.04, 9.0),
    ("NG", "en", 0.04, 1.0),
)

DEFAULT_START = "2026-10-01"

# Each dirt rate: CLI flag name -> help text. Rates are shares of the clean event count
# (tweet_delete_rate: of tweets; bot_rate: of users; malformed_log_rate: of log lines).
RATE_FIELDS: dict[str, str] = {
    "duplicate_rate": "redeliveries: same event_id and payload, later ingested_at",
    "late_rate": "late arrivals: ingested_at hours to days after event_ts",
    "unknown_type_rate": "extra rows with an event_type outside the contract",
    "type_variant_rate": "rows whose event_type differs only in case or surrounding spaces",
    "missing_user_rate": "extra rows with an empty user_id",
    "unknown_user_rate": "extra rows with a user_id not in raw_users",
    "malformed_ts_rate": "extra rows whose event_ts does not parse",
    "future_skew_rate": "extra rows with event_ts hours after ingested_at (device clock skew)",
    "unknown_tweet_rate": "extra rows with a tweet_id not in raw_tweets",
    "deleted_tweet_event_rate": "extra rows on a deleted tweet, after its deleted_at",
    "tweet_delete_rate": "share of tweets the author deletes",
    "bot_rate": "share of users that are bots (at least one bot when > 0)",
    "malformed_log_rate": "share of app log lines that are malformed",
}


TIMESTAMP_FORMATS: tuple[str, ...] = ("contract", "iso", "epoch-s", "epoch-ms")
ID_FORMATS: tuple[str, ...] = ("int", "hash", "uuid")


class ConfigError(ValueError):
    """A configuration value outside what the generator allows; the message says what is."""


@dataclass(frozen=True)
class GenConfig:
    """One run's sizes and dirt rates. Defaults produce the checked-in sample in seeds/."""

    users: int = 3000
    tweets: int = 6000
    events: int = 80_000
    days: int = 28
    start: str = DEFAULT_START
    seed: int = 42
    bot_events_per_day: int = 300
    duplicate_rate: float = 0.02
    late_rate: float = 0.02
    unknown_type_rate: float = 0.01
    type_variant_rate: float = 0.03
    missing_user_rate: float = 0.01
    unknown_user_rate: float = 0.01
    malformed_ts_rate: float = 0.01
    future_skew_rate: float = 0.01
    unknown_tweet_rate: float = 0.01
    deleted_tweet_event_rate: float = 0.01
    tweet_delete_rate: float = 0.03
    bot_rate: float = 0.001
    malformed_log_rate: float = 0.02
    # Shapes of other people's logs (docs/raw_data_contract.md); defaults = our contract.
    timestamp_format: str = "contract"
    id_format: str = "int"
    no_impressions: bool = False
    deleted_author_rate: float = 0.0
    sparse_activity: bool = False
    heavy_user_share: float = 0.0
    heavy_user_multiplier: float = 50.0

    def __post_init__(self) -> None:
        self.validate()

    def validate(self) -> None:
        """Reject values the simulation cannot honour, naming the allowed range."""
        minimums = {"users": 10, "tweets": 10, "events": 1, "days": 1, "bot_events_per_day": 0}
        for name, low in minimums.items():
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, int) or value < low:
                raise ConfigError(f"--{name.replace('_', '-')} must be an integer >= {low}")
        if self.seed < 0:
            raise ConfigError("--seed must be an integer >= 0")
        for name in RATE_FIELDS:
            value = getattr(self, name)
            if not (0.0 <= float(value) < 1.0):
                raise ConfigError(f"--{name.replace('_', '-')} must be a number in [0, 1)")
        for name, allowed in (
            ("timestamp_format", TIMESTAMP_FORMATS),
            ("id_format", ID_FORMATS),
        ):
            if getattr(self, name) not in allowed:
                flag = name.replace("_", "-")
                raise ConfigError(f"--{flag} must be one of: {', '.join(allowed)}")
        for name in ("deleted_author_rate", "heavy_user_share"):
            if not (0.0 <= float(getattr(self, name)) < 1.0):
                raise ConfigError(f"--{name.replace('_', '-')} must be a number in [0, 1)")
        if not (1.0 <= float(self.heavy_user_multiplier) <= 1000.0):
            raise ConfigError("--heavy-user-multiplier must be a number in [1, 1000]")
        try:
            dt.date.fromisoformat(self.start)
        except ValueError:
            raise ConfigError("--start must be a date written YYYY-MM-DD") from None

    @property
    def start_ms(self) -> int:
        """Window start as epoch milliseconds (UTC midnight)."""
        day = dt.date.fromisoformat(self.start)
        return int(dt.datetime(day.year, day.month, day.day, tzinfo=dt.UTC).timestamp()) * 1000

    @property
    def end_ms(self) -> int:
        """Window end (exclusive) as epoch milliseconds."""
        return self.start_ms + self.days * DAY_MS

    def replace(self, **changes: object) -> GenConfig:
        """A copy with some fields changed (validated again)."""
        return dataclasses.replace(self, **changes)  # type: ignore[arg-type]


HOUR_MS = 3_600_000
DAY_MS = 24 * HOUR_MS
