"""Where snapshots live and how the server runs: defaults resolved when asked for."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from ml.config import PROJECT_ROOT

# The most candidates POST /v1/score takes in one request: a feed's worth, with room.
MAX_SCORE_CANDIDATES = 500
# Request bodies above this are refused (413) before they are parsed.
MAX_BODY_BYTES = 256 * 1024


def default_serving_dir() -> Path:
    """SOCIAL_ML_SERVING_DIR or artifacts/serving/ in the project (git-ignored)."""
    configured = os.environ.get("SOCIAL_ML_SERVING_DIR")
    path = Path(configured) if configured else Path("artifacts/serving")
    return path if path.is_absolute() else PROJECT_ROOT / path


@dataclass(frozen=True)
class PublishConfig:
    """What a snapshot holds and how many old ones stay on disk."""

    # Snapshots kept besides the current one: a server still loading an older one
    # finds it, and a bad publish can be rolled back by rewriting CURRENT.
    keep_previous: int = 2
    # Users whose serving candidates are checked, online against batch, before the
    # snapshot becomes current (serving/parity.py); 0 skips the check.
    verify_users: int = 200


@dataclass(frozen=True)
class ServeConfig:
    """The HTTP server: address, snapshot folder and how often it looks for a new one."""

    serving_dir: Path
    host: str = "127.0.0.1"
    port: int = 8000
    # Seconds between two looks at CURRENT; a new snapshot is loaded beside the
    # serving one and swapped in when complete.
    poll_seconds: float = 1.0
