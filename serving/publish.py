"""Publish a serving snapshot: the warehouse's serving state as one immutable folder.

A snapshot holds what the server needs and nothing it must compute from raw data:

- the online store's parts (models/marts/serving, feat_online_*): the user, tweet,
  author, user x author and user x topic features at the serving as-of time, and the
  retrieval features of every retrieved (user, tweet) pair;
- the current model's recommendations: every serving candidate it scored, ranked (score
  descending, ties by the smaller tweet id: ml.recommendations' order), with sources;
- the cold-start list an unknown user gets (feat_online_cold_start);
- the model's artifact and its feature list, in manifest.json.

Features are written as float32 by DuckDB's own cast, the one batch scoring reads
through, so online vectors equal batch vectors bit for bit. The folder is written
under a temporary name, renamed when complete, and only then does CURRENT (a one-line
file) name it: a server polling CURRENT never sees a half-written snapshot.
"""

from __future__ import annotations

import json
import os
import shutil
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import duckdb

from ml.db import MARTS_SCHEMA, columns_with_types, connect, quote_ident, require_table
from ml.features import FEATURE_PREFIX
from ml.registry import ModelRecord, current_model, file_sha256
from serving.config import PublishConfig
from serving.layout import (
    CURRENT_FILE,
    FORMAT_VERSION,
    MANIFEST_FILE,
    MODEL_FILE,
    SNAPSHOTS_DIR,
    read_current,
)
from serving.online_features import build_plan
from serving.parity import ParityReport, check_parity
from serving.snapshot import Snapshot

# A partial folder this old was left by a publish that crashed (one takes seconds).
PARTIAL_MAX_AGE_SECONDS = 3600

# Part name -> (mart, key columns written before the features, sort order).
PART_TABLES: dict[str, tuple[str, tuple[str, ...], str]] = {
    "user": ("feat_online_user", ("user_id", "user_key", "is_cold"), "user_id"),
    "tweet": ("feat_online_tweet", ("tweet_id", "tweet_key", "author_id", "topic"), "tweet_id"),
    "author": ("feat_online_author", ("author_id",), "author_id"),
    "user_author": ("feat_online_user_author", ("user_id", "author_id"), "user_id, author_id"),
    "user_topic": ("feat_online_user_topic", ("user_id", "topic"), "user_id, topic"),
    "candidate": (
        "feat_online_candidate", ("user_id", "tweet_id", "candidate_sources"), "user_id, tweet_id"
    ),
}


class PublishError(RuntimeError):
    """The warehouse cannot make a consistent snapshot; the message says what to run."""


@dataclass(frozen=True)
class PublishResult:
    snapshot_id: str
    path: Path
    model_version: int
    as_of_at: str
    rows: dict[str, int]
    bytes_on_disk: int
    seconds: float
    # The online = batch check run before the snapshot became current (None: skipped).
    parity: ParityReport | None = None


def publish(
    db_path: Path | str, serving_dir: Path | str, config: PublishConfig | None = None
) -> PublishResult:
    """Write a snapshot of the warehouse at `db_path` under `serving_dir` and make it
    current. Raises PublishError when the marts or the current model's scores are
    missing, or the online store cannot assemble the model's features."""
    config = config or PublishConfig()
    started = time.perf_counter()
    root = Path(serving_dir)
    snapshots = root / SNAPSHOTS_DIR
    snapshots.mkdir(parents=True, exist_ok=True)
    created_at = datetime.now(UTC).replace(tzinfo=None)
    with connect(db_path, read_only=True) as con:
        for table, _, _ in PART_TABLES.values():
            require_table(con, MARTS_SCHEMA, table)
        require_table(con, MARTS_SCHEMA, "feat_online_cold_start")
        record = current_model(con)
        parts = {
            part: tuple(
                name for name, _ in columns_with_types(con, MARTS_SCHEMA, table)
                if name.startswith(FEATURE_PREFIX)
            )
            for part, (table, _, _) in PART_TABLES.items()
        }
        model_features = [f.name for f in record.features]
        # Refused here, not in the server: every model feature has an online source.
        build_plan(model_features, parts)
        as_of_at = _serving_as_of(con)
        snapshot_id = f"{created_at:%Y%m%dT%H%M%S%f}-model{record.model_version}"
        staging = snapshots / f".{snapshot_id}.partial"
        staging.mkdir()
        try:
            rows = _write_parts(con, staging, parts)
            rows["recommendations"] = _write_recommendations(con, staging, record)
            rows["cold_start"] = _copy(
                con,
                f"""select trend_rank, tweet_id, trend_score
                from {MARTS_SCHEMA}.feat_online_cold_start order by trend_rank""",
                staging / "cold_start.parquet",
            )
            _check_consistent(rows, record)
            shutil.copyfile(record.artifact_path, staging / MODEL_FILE)
            if file_sha256(staging / MODEL_FILE) != record.artifact_sha256:
                raise PublishError(
                    f"the artifact of model version {record.model_version} changed since it"
                    f" was registered ({record.artifact_path}): retrain (python -m ml train)"
                )
            manifest = {
                "format_version": FORMAT_VERSION,
                "snapshot_id": snapshot_id,
                "created_at": created_at.isoformat(),
                "as_of_at": as_of_at,
                "model_version": record.model_version,
                "model_kind": record.model_kind,
                "model_sha256": record.artifact_sha256,
                "features": model_features,
                "parts": {part: list(columns) for part, columns in parts.items()},
                "rows": rows,
            }
            (staging / MANIFEST_FILE).write_text(json.dumps(manifest, indent=2) + "\n")
            parity = _verify(con, staging, config)
            final = snapshots / snapshot_id
            staging.rename(final)
        except BaseException:
            shutil.rmtree(staging, ignore_errors=True)
            raise
    point_current(root, snapshot_id)
    _prune(snapshots, snapshot_id, config.keep_previous)
    return PublishResult(
        snapshot_id=snapshot_id,
        path=final,
        model_version=record.model_version,
        as_of_at=as_of_at,
        rows=rows,
        bytes_on_disk=sum(p.stat().st_size for p in final.iterdir()),
        seconds=round(time.perf_counter() - started, 3),
        parity=parity,
    )


def point_current(serving_dir: Path, snapshot_id: str) -> None:
    """Name `snapshot_id` in CURRENT atomically (write a temporary file, rename it)."""
    pending = serving_dir / f".{CURRENT_FILE}.{os.getpid()}"
    pending.write_text(snapshot_id + "\n")
    os.replace(pending, serving_dir / CURRENT_FILE)


def _verify(
    con: duckdb.DuckDBPyConnection, staging: Path, config: PublishConfig
) -> ParityReport | None:
    """Load the staged snapshot as the server will and compare a sample of its vectors
    and scores with the batch ones: a snapshot that disagrees never becomes current."""
    if not config.verify_users:
        return None
    report = check_parity(con, Snapshot(staging), config.verify_users)
    if not report.holds():
        raise PublishError(
            f"the snapshot's online scores differ from the batch scores: {report.describe()}."
            " The online store (models/marts/serving) and the point-in-time join disagree:"
            " rebuild both (dbt build), score again, then publish"
        )
    return report


def current_manifest(serving_dir: Path) -> dict | None:
    """The manifest of the snapshot CURRENT names, or None when there is none."""
    snapshot_id = read_current(serving_dir)
    if snapshot_id is None:
        return None
    try:
        return json.loads((serving_dir / SNAPSHOTS_DIR / snapshot_id / MANIFEST_FILE).read_text())
    except (OSError, ValueError):
        return None


def _serving_as_of(con: duckdb.DuckDBPyConnection) -> str:
    rows = con.execute(
        f"select max(as_of_at) from {MARTS_SCHEMA}.feat_online_user"
    ).fetchall()
    if not rows or rows[0][0] is None:
        raise PublishError(
            "marts.feat_online_user is empty: the warehouse has no serving as-of time"
            " (build it first: make run, or dbt build)"
        )
    return rows[0][0].isoformat()


def _write_parts(
    con: duckdb.DuckDBPyConnection, folder: Path, parts: dict[str, tuple[str, ...]]
) -> dict[str, int]:
    rows = {}
    for part, (table, keys, order) in PART_TABLES.items():
        features = ", ".join(
            f"cast({quote_ident(name)} as float) as {quote_ident(name)}" for name in parts[part]
        )
        rows[part] = _copy(
            con,
            f"select {', '.join(keys)}, {features} from {MARTS_SCHEMA}.{table} order by {order}",
            folder / f"{part}.parquet",
        )
    return rows


def _write_recommendations(
    con: duckdb.DuckDBPyConnection, folder: Path, record: ModelRecord
) -> int:
    """Every serving prediction of the model, ranked per user as ml.recommendations is."""
    version = record.model_version
    scored = con.execute(
        "select count(*) from ml.predictions where model_version = ? and scope = 'serving'",
        [version],
    ).fetchall()[0][0]
    if not scored:
        raise PublishError(
            f"the current model (version {version}) has not scored the serving candidates:"
            " run python -m ml score (make run does), then publish again"
        )
    return _copy(
        con,
        f"""
        select
            predictions.user_id,
            cast(row_number() over (
                partition by predictions.user_id
                order by predictions.score desc, predictions.tweet_id asc
            ) as integer) as rank,
            predictions.tweet_id,
            predictions.score,
            candidates.candidate_sources
        from ml.predictions as predictions
        left join {MARTS_SCHEMA}.feat_online_candidate as candidates
            on
                predictions.user_id = candidates.user_id
                and predictions.tweet_id = candidates.tweet_id
        where predictions.model_version = {int(version)} and predictions.scope = 'serving'
        order by predictions.user_id, rank
        """,
        folder / "recommendations.parquet",
    )


def _copy(con: duckdb.DuckDBPyConnection, sql: str, path: Path) -> int:
    """COPY the query's rows to a Parquet file; returns how many."""
    target = str(path).replace("'", "''")
    con.execute(f"copy ({sql}) to '{target}' (format parquet, compression zstd)")
    result = con.execute(f"select count(*) from read_parquet('{target}')").fetchall()
    return int(result[0][0])


def _check_consistent(rows: dict[str, int], record: ModelRecord) -> None:
    if rows["candidate"] != rows["recommendations"]:
        raise PublishError(
            f"model version {record.model_version} scored {rows['recommendations']} serving"
            f" candidates but the candidates mart holds {rows['candidate']}: the predictions"
            " are stale; run python -m ml score (make run does), then publish again"
        )


def _prune(snapshots: Path, current: str, keep_previous: int) -> None:
    """Remove all but the current snapshot and the `keep_previous` newest before it
    (ids sort by creation time), and the partial folders crashed publishes left."""
    finished = sorted(p for p in snapshots.iterdir() if p.is_dir() and not p.name.startswith("."))
    older = [p for p in finished if p.name < current]
    for stale in older[: max(0, len(older) - keep_previous)]:
        shutil.rmtree(stale, ignore_errors=True)
    abandoned_before = time.time() - PARTIAL_MAX_AGE_SECONDS
    for partial in snapshots.glob(".*.partial"):
        if partial.stat().st_mtime < abandoned_before:
            shutil.rmtree(partial, ignore_errors=True)
