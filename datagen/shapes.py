"""Named presets for `--shape`: the log shapes the conformance suite pushes through.

Why: each shape is a handful of options; naming them once keeps the suite, the docs and
the CLI in step. Sizes are small (15-25k events, about 1000 users) so one shape runs
through dbt in seconds, yet every time window still has hundreds of engaging users.
A preset only sets defaults: flags given on the command line override it.
"""

from __future__ import annotations

from datagen.config import ConfigError

SMALL: dict[str, object] = {"users": 1000, "tweets": 2500, "events": 20_000}

PRESETS: dict[str, dict[str, object]] = {
    "iso": {**SMALL, "timestamp_format": "iso"},
    "epoch-ms": {**SMALL, "timestamp_format": "epoch-ms"},
    "epoch-s": {**SMALL, "timestamp_format": "epoch-s"},
    # Impressions are ~60% of the simulated events: ask for more to emit ~20k actions.
    "action-only": {**SMALL, "events": 50_000, "no_impressions": True},
    # Three years, ending before today: later ingestion times would be clock errors
    # (ingested_in_future). The warehouse derives months-long windows for it.
    "multi-year-sparse": {
        "start": "2023-10-01",
        "users": 2500,
        "tweets": 12_000,
        "events": 25_000,
        "days": 1095,
        "sparse_activity": True,
    },
    # Heavy users' sessions come on top of --events (about +50%): ask for less.
    "heavy-users": {
        **SMALL,
        "events": 13_000,
        "bot_rate": 0.005,  # five bots to tell apart from the ten heavy humans
        "heavy_user_share": 0.01,
        "heavy_user_multiplier": 50.0,
    },
    "deleted-authors": {**SMALL, "deleted_author_rate": 0.05},
    "single-day": {**SMALL, "days": 1},
    "string-ids": {**SMALL, "id_format": "uuid"},
    "hash-ids": {**SMALL, "id_format": "hash"},
}


def preset_defaults(name: str) -> dict[str, object]:
    """The option values of preset `name` (argparse dests), or a one-line error."""
    if name not in PRESETS:
        raise ConfigError(f"--shape must be one of: {', '.join(PRESETS)}")
    return dict(PRESETS[name])
