"""One repetition of the benchmark at one size: every stage in a fresh child process.

Stages, in order, each measured for wall time and peak RSS (bench.measure):
generate (datagen, Parquet) -> dbt_build (the whole project through the
bring-your-own-data path) -> train -> score -> evaluate (python -m ml) -> the peers
(scipy, polars, pandas), which read the just-built warehouse and must match it.

Every path a stage writes is private to the run (warehouse, dbt target and logs, model
artifacts); the project's own warehouse and target/ are never touched.
"""

from __future__ import annotations

import json
import os
import shutil
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

import pyarrow.parquet as pq

from bench.dbt_timing import read_build
from bench.machine import load_average
from bench.measure import Measured, run_measured, tail
from bench.settings import DUCKDB_MEMORY_LIMIT, PROJECT_ROOT, DataSize

PIPELINE_STAGES = ("generate", "dbt_build", "train", "score", "evaluate")
PEERS = ("scipy", "polars", "pandas")


@dataclass(frozen=True)
class RunSettings:
    """Knobs shared by every run: where to work and DuckDB's resources."""

    work_dir: Path
    duckdb_threads: str = "2"
    duckdb_memory_limit: str = DUCKDB_MEMORY_LIMIT
    peers: tuple[str, ...] = PEERS
    ml_stages: tuple[str, ...] = ("train", "score", "evaluate")


@dataclass
class RunPaths:
    """The private files of one size (reused, after deletion, by each repetition)."""

    root: Path
    raw: Path = field(init=False)
    truth: Path = field(init=False)
    db: Path = field(init=False)
    target: Path = field(init=False)
    models: Path = field(init=False)
    serving: Path = field(init=False)
    logs: Path = field(init=False)

    def __post_init__(self) -> None:
        self.raw = self.root / "raw"
        self.truth = self.root / "truth"
        self.db = self.root / "warehouse.duckdb"
        self.target = self.root / "target"
        self.models = self.root / "models"
        self.serving = self.root / "serving"
        self.logs = self.root / "stage_logs"

    def reset(self) -> None:
        """Start a repetition from nothing: no data, warehouse, target or models."""
        for path in (self.raw, self.truth, self.target, self.models, self.serving, self.logs):
            shutil.rmtree(path, ignore_errors=True)
        for path in (self.db, self.db.with_name(self.db.name + ".wal")):
            path.unlink(missing_ok=True)
        self.root.mkdir(parents=True, exist_ok=True)


def stage_env(paths: RunPaths, settings: RunSettings) -> dict[str, str]:
    """The environment of every child: private paths, profile knobs, no telemetry."""
    env = dict(os.environ)
    env.update(
        DO_NOT_TRACK="1",
        DBT_SEND_ANONYMOUS_USAGE_STATS="false",
        DBT_PROFILES_DIR=str(PROJECT_ROOT),
        SOCIAL_ML_DB=str(paths.db),
        DBT_TARGET_PATH=str(paths.target),
        DBT_LOG_PATH=str(paths.target / "logs"),
        SOCIAL_ML_RAW_DIR=str(paths.raw),
        SOCIAL_ML_MODELS_DIR=str(paths.models),
        SOCIAL_ML_SERVING_DIR=str(paths.serving),
        SOCIAL_ML_DUCKDB_THREADS=settings.duckdb_threads,
        SOCIAL_ML_DUCKDB_MEMORY_LIMIT=settings.duckdb_memory_limit,
    )
    return env


def stage_commands(size: DataSize, paths: RunPaths, settings: RunSettings) -> dict[str, list[str]]:
    """The command line of each stage (the peers' included), in run order."""
    py = sys.executable
    dbt = str(Path(sys.executable).parent / "dbt")
    commands = {
        "generate": [py, "-m", "datagen", *size.datagen_args(paths.raw, paths.truth)],
        # The build as the pipeline runs it (orchestration/dbt_assets.py): unit tests
        # check SQL on fixed fixtures, cost the same at every size and run in `make test`.
        "dbt_build": [
            dbt, "build", "--exclude-resource-type", "unit_test",
            "--log-format-file", "json", "--log-level-file", "debug",
        ],
    }
    for stage in settings.ml_stages:
        commands[stage] = [py, "-m", "ml", stage]
    for peer in settings.peers:
        commands[f"peer_{peer}"] = [
            py, "-m", "bench.peers", peer,
            "--db", str(paths.db),
            "--result", str(paths.logs / f"peer_{peer}.json"),
            "--threads", settings.duckdb_threads,
            "--memory-limit", settings.duckdb_memory_limit,
        ]  # fmt: skip
    return commands


def raw_row_counts(raw_dir: Path) -> dict[str, int]:
    """Rows of each raw_<table>.parquet, from the file footers (no data read)."""
    return {
        p.stem: pq.ParquetFile(p).metadata.num_rows for p in sorted(raw_dir.glob("raw_*.parquet"))
    }


class StageFailed(RuntimeError):
    """A stage exited non-zero; the message carries the end of its log."""


def run_once(size: DataSize, repeat: int, settings: RunSettings) -> dict[str, object]:
    """Run every stage once at `size`; return the measurements (raises on a failed stage)."""
    paths = RunPaths(settings.work_dir / size.label)
    paths.reset()
    env = stage_env(paths, settings)
    record: dict[str, object] = {
        "events": size.events,
        "label": size.label,
        "users": size.users,
        "tweets": size.tweets,
        "repeat": repeat,
        "started_at": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
        "load_average_start": load_average(),
        "duckdb": {
            "threads": settings.duckdb_threads,
            "memory_limit": settings.duckdb_memory_limit,
        },
    }
    stages: dict[str, dict[str, object]] = {}
    peers: dict[str, dict[str, object]] = {}
    record.update(stages=stages, peers=peers)
    for name, cmd in stage_commands(size, paths, settings).items():
        log = paths.logs / f"{name}.log"
        measured: Measured = run_measured(cmd, env, log, cwd=PROJECT_ROOT)
        stages[name] = {
            "seconds": measured.seconds,
            "peak_rss_bytes": measured.peak_rss_bytes,
            "returncode": measured.returncode,
            "load_average": load_average(),
        }
        if name.startswith("peer_"):
            result = paths.logs / f"{name}.json"
            if result.exists():
                verdict = json.loads(result.read_text())
                verdict.update(
                    peak_rss_bytes=measured.peak_rss_bytes, returncode=measured.returncode
                )
                peers[name.removeprefix("peer_")] = verdict
        if name == "generate" and measured.returncode == 0:
            record["raw_rows"] = raw_row_counts(paths.raw)
        if name == "dbt_build" and (paths.target / "run_results.json").exists():
            record["dbt"] = read_build(paths.target, paths.target / "logs", measured.seconds)
        if measured.returncode == 0:
            continue
        # Only missing inputs stop the run. A peer whose rows differ exits 1 (no ratio is
        # reported); a dbt build whose run_results exist ran every node it could (the
        # failed ones are listed), so training and the peers still measure what exists;
        # a failed ml stage makes the next ones fail on their own, and each is recorded.
        stages[name]["log_tail"] = tail(log, 12)
        if name == "generate" or (name == "dbt_build" and "dbt" not in record):
            record["failed_stage"] = name
            raise StageFailed(
                f"{size.label} repeat {repeat}: stage {name} exited {measured.returncode}"
                f" (log {log}):\n{tail(log)}",
                record,
            )
    record["load_average_end"] = load_average()
    return record
