"""`python -m bench.stream_flat`: the same new hour on a growing history.

    python -m bench.stream_flat                         history 1M, 3M, 10M; 3 hours each
    python -m bench.stream_flat --events 300000 --history 100000,300000 --hours 1

bench.stream grows the network with the log (more users and tweets at 10M than at 1M),
so its hours grow too. This asks the stream's own question: does the time of one batch
stay flat as history piles up? One log of --events is generated once as a landing zone
of one-hour batches (the pool). For each history size, from an empty warehouse:
  - land the pool's first batches up to that many rows, then `dbt build --full-refresh`,
    `ml train`, `ml score` (setup, timed but not the point);
  - land each of the next --hours batches in turn: the stream's hot path (`dbt build
    --selector stream_batch` + `ml score --candidates-only`), timed, then one monitoring
    run (bench.stream.monitoring).
Every history size folds in batches of one log (the same users, tweets and rate: the
hours right after it, so their rows vary with the time of day) after a longer past.
Runs are saved as bench/out/stream_flat/<history>.json, and their section of
bench/STREAM.md (and bench/REPORT.md) is rewritten.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import sys
import time
from collections.abc import Sequence
from pathlib import Path

import pyarrow.parquet as pq

from bench.machine import machine_info
from bench.runner import RunPaths, RunSettings, stage_env
from bench.settings import PROJECT_ROOT, DataSize
from bench.stream import (
    FLAT_DIR,
    REPORT,
    StageFailed,
    fold_hours,
    full_refresh,
    hour_seconds,
    monitoring,
    parse_sizes,
    stage,
    write_flat_section,
)

DEFAULT_HISTORY = (1_000_000, 3_000_000, 10_000_000)


def generate_pool(size: DataSize, work_dir: Path) -> RunPaths:
    """The whole log once, as one-hour batches (reused by every history size)."""
    pool = RunPaths(work_dir / "pool")
    pool.reset()
    env = stage_env(pool, RunSettings(work_dir=work_dir))
    stage("generate", [sys.executable, "-m", "datagen", *size.datagen_args(pool.raw, pool.truth),
                       "--batch-minutes", "60"], env, pool)  # fmt: skip
    return pool


def land_from_pool(pool: RunPaths, raw: Path, history_rows: int) -> tuple[int, list[Path]]:
    """Copy the pool's whole-file tables into `raw` and land its first batches up to
    `history_rows` rows; return the rows landed and the batches not landed, in landing
    order (hard links: the pool is read, never moved)."""
    shutil.copytree(pool.raw, raw, ignore=shutil.ignore_patterns("*.parquet"),
                    dirs_exist_ok=True)  # fmt: skip
    for path in pool.raw.glob("*.parquet"):  # whole-file tables written as Parquet
        os.link(path, raw / path.name)
    events = raw / "raw_events"
    events.mkdir(exist_ok=True)
    landed, rest = 0, []
    for batch in sorted((pool.raw / "raw_events").glob("*.parquet")):
        if landed < history_rows:
            os.link(batch, events / batch.name)
            landed += pq.read_metadata(batch).num_rows
        else:
            rest.append(batch)
    return landed, rest


def run_history(pool: RunPaths, history_rows: int, hours: int, work_dir: Path) -> dict:
    label = DataSize(history_rows).label
    paths = RunPaths(work_dir / label)
    paths.reset()
    env = stage_env(paths, RunSettings(work_dir=work_dir))
    landed, rest = land_from_pool(pool, paths.raw, history_rows)
    if len(rest) < hours:
        raise StageFailed(f"history {label}: only {len(rest)} batches left after it, "
                          f"--hours asks {hours}; generate more --events")  # fmt: skip
    return {
        "history_rows": landed, "label": label,
        "started_at": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
        "commit": machine_info(PROJECT_ROOT)["commit"],
        "full": full_refresh(env, paths),
        "hours": fold_hours(rest[:hours], paths.raw / "raw_events", os.link, env, paths),
        "monitoring": monitoring(env, paths),
    }  # fmt: skip


def main(argv: Sequence[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m bench.stream_flat", description=__doc__,
                                formatter_class=argparse.RawTextHelpFormatter)  # fmt: skip
    p.add_argument("--events", type=int, default=10_500_000,
                   help="events in the generated log (a little above the largest history,"
                   " so batches are left to land after it)")  # fmt: skip
    p.add_argument("--history", default=",".join(str(s) for s in DEFAULT_HISTORY),
                   help="landed rows before the timed hours, comma separated")
    p.add_argument("--hours", type=int, default=3, help="new hours landed after each history")
    p.add_argument("--work", type=Path, default=PROJECT_ROOT / "bench" / "out" / "stream_flat_work")
    args = p.parse_args(argv)
    events = args.events
    history = sorted(parse_sizes(args.history, "--history", p))
    if args.hours < 1:
        p.error("--hours must be at least 1")
    if history[-1] >= events:
        p.error(f"--events ({events:,}) must exceed the largest --history ({history[-1]:,})")
    size = DataSize(events)
    try:
        pool = generate_pool(size, args.work)
        FLAT_DIR.mkdir(parents=True, exist_ok=True)
        for rows in history:
            run = run_history(pool, rows, args.hours, args.work)
            run["pool_events"], run["users"], run["tweets"] = events, size.users, size.tweets
            (FLAT_DIR / f"{run['label']}.json").write_text(json.dumps(run, indent=1))
            hours = [round(hour_seconds(h), 1) for h in run["hours"]]
            print(f"history {run['label']}: new hours {hours} s")
    except StageFailed as exc:
        print(exc, file=sys.stderr)
        return 1
    write_flat_section()
    print(f"report: {REPORT}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
