"""Where a snapshot's pieces live on disk, shared by the publisher and the server.

    <serving dir>/CURRENT                      the id of the snapshot to serve (one line)
    <serving dir>/snapshots/<id>/manifest.json model, features, as-of time, row counts
    <serving dir>/snapshots/<id>/*.parquet     the online store's parts, recommendations
    <serving dir>/snapshots/<id>/model.skops   the model
"""

from __future__ import annotations

from pathlib import Path

CURRENT_FILE = "CURRENT"
SNAPSHOTS_DIR = "snapshots"
MANIFEST_FILE = "manifest.json"
MODEL_FILE = "model.skops"
# Bumped when the files change shape; a server refuses a format it does not read.
FORMAT_VERSION = 1


def read_current(serving_dir: Path) -> str | None:
    """The snapshot CURRENT names, or None before the first publish."""
    try:
        return (serving_dir / CURRENT_FILE).read_text().strip() or None
    except FileNotFoundError:
        return None
