"""`python -m bench.stream_follow`: the micro-batch loop under a producer at a fixed rate.

    python -m bench.stream_follow --size 1000000 --batch-seconds 10 --minutes 8

Generates the log as a landing zone of one-hour batches (Parquet), holds back the batches
from --held-hours before the end of its window on, and builds and trains on the rest
(setup, not timed). Then, for
--minutes of wall time:
  - a producer thread lands one held batch every --batch-seconds (an atomic rename, as
    the landing-zone contract asks), a fixed offered rate;
  - the consumer loops as landing_zone_sensor and stream_batch_job do: take every batch
    landed and not folded yet, take the hot path (`dbt build --selector stream_batch`,
    `ml score --candidates-only` with the model already trained), and start again at
    once; once every 24 batches folded, the monitoring run follows in the same cycle,
    as stream_monitoring_sensor asks for it.
Each batch's lag runs from the moment it landed to the end of the cycle whose scoring
included it (landing -> refreshed recommendations). The run is saved as
bench/out/stream_follow/<size>.json; bench/STREAM.md is rewritten with it.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import threading
import time
from collections.abc import Sequence
from pathlib import Path

import pyarrow.parquet as pq

from bench.machine import load_average, machine_info
from bench.runner import RunPaths, RunSettings, stage_env
from bench.settings import PROJECT_ROOT, DataSize
from bench.stream import (
    DBT,
    FOLLOW_DIR,
    HOUR_BUILD,
    HOUR_SCORE,
    MONITOR_EVERY,
    OUT_DIR,
    PY,
    StageFailed,
    full_refresh,
    hold_back,
    monitoring,
    monitoring_seconds,
    stage,
    write_report,
)


class Producer(threading.Thread):
    """Lands the held batches one every `interval` seconds; records when each landed."""

    def __init__(self, held: list[Path], events_dir: Path, interval: float, stop: threading.Event):
        super().__init__(daemon=True)
        self.held, self.events_dir, self.interval, self.stop = held, events_dir, interval, stop
        self.landed: dict[str, float] = {}

    def run(self) -> None:
        started = time.monotonic()
        for index, batch in enumerate(self.held):
            if self.stop.wait(max(0.0, started + index * self.interval - time.monotonic())):
                return
            os.replace(batch, self.events_dir / batch.name)
            self.landed[batch.stem] = time.monotonic()


def _quantile(lags: list[tuple[float, int]], q: float) -> float:
    """The q-quantile of a lag over events (each batch's lag counted once per row)."""
    ordered = sorted(lags)
    total, seen = sum(rows for _, rows in ordered), 0
    for lag, rows in ordered:
        seen += rows
        if seen >= q * total:
            return lag
    return ordered[-1][0]


def run_follow(size: DataSize, args: argparse.Namespace) -> dict:
    paths = RunPaths(args.work / size.label)
    paths.reset()
    env = stage_env(paths, RunSettings(work_dir=args.work))
    generate = [PY, "-m", "datagen", *size.datagen_args(paths.raw, paths.truth),
                "--batch-minutes", "60"]  # fmt: skip
    stage("generate", generate, env, paths)
    events_dir = paths.raw / "raw_events"
    held = hold_back(events_dir, paths.root / "held", args.held_hours)
    rows = {p.stem: pq.read_metadata(p).num_rows for p in held}
    setup = {step: timed["seconds"] for step, timed in full_refresh(env, paths).items()}
    stop = threading.Event()
    producer = Producer(held, events_dir, args.batch_seconds, stop)
    folded: set[str] = set()
    cycles, lags = [], []
    unmonitored = 0  # batches folded since the last monitoring run
    loop_started = time.monotonic()
    deadline = loop_started + args.minutes * 60
    producer.start()
    try:
        while time.monotonic() < deadline:
            taken = sorted(b for b in producer.landed if b not in folded)
            if not taken:
                time.sleep(0.2)
                continue
            started, load = time.monotonic(), load_average()[0]
            build = stage(f"cycle{len(cycles)}_dbt", [DBT, *HOUR_BUILD], env, paths)
            score = stage(f"cycle{len(cycles)}_score", [PY, *HOUR_SCORE], env, paths)
            unmonitored += len(taken)
            watched = None
            if unmonitored >= MONITOR_EVERY:
                watched = monitoring_seconds(monitoring(env, paths))
                unmonitored = 0
            ended = time.monotonic()
            folded.update(taken)
            lags += [(ended - producer.landed[b], rows[b]) for b in taken]
            cycles.append({
                "batches": len(taken), "rows": sum(rows[b] for b in taken),
                "dbt_build": build["seconds"], "score": score["seconds"],
                "monitoring": watched,
                "seconds": round(ended - started, 3), "load_average_start": load,
            })  # fmt: skip
    finally:
        stop.set()
        producer.join()
    loop_seconds = (time.monotonic() - loop_started) if cycles else 0.0
    folded_rows = sum(c["rows"] for c in cycles)
    landed_rows = sum(rows[b] for b in producer.landed)
    return {
        "events": size.events, "label": size.label,
        "commit": machine_info(PROJECT_ROOT)["commit"],
        "started_at": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
        "setup_seconds": setup,
        "batch_seconds": args.batch_seconds,
        "rows_per_batch": round(landed_rows / max(1, len(producer.landed))),
        "offered_events_per_s": round(landed_rows / loop_seconds, 1) if loop_seconds else 0.0,
        "loop_seconds": round(loop_seconds, 1),
        "batches_landed": len(producer.landed),
        "batches_folded": len(folded),
        "folded_events_per_s": round(folded_rows / loop_seconds, 1) if loop_seconds else 0.0,
        "lag_p50_s": round(_quantile(lags, 0.5), 1) if lags else None,
        "lag_p99_s": round(_quantile(lags, 0.99), 1) if lags else None,
        "cycles": cycles,
    }  # fmt: skip


def main(argv: Sequence[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m bench.stream_follow", description=__doc__,
                                formatter_class=argparse.RawTextHelpFormatter)  # fmt: skip
    p.add_argument("--size", type=int, default=1_000_000, help="events in the generated log")
    p.add_argument("--batch-seconds", type=float, default=10.0,
                   help="wall seconds between two landed hourly batches (offered rate)")
    p.add_argument("--minutes", type=float, default=8.0, help="how long the loop runs")
    p.add_argument("--held-hours", type=int, default=96,
                   help="hours before the window's end from which batches are held back to stream")
    p.add_argument("--work", type=Path, default=PROJECT_ROOT / "bench" / "out" / "stream_work")
    args = p.parse_args(argv)
    if args.batch_seconds <= 0 or args.minutes <= 0 or args.held_hours < 1:
        p.error("--batch-seconds and --minutes must be > 0, --held-hours >= 1")
    size = DataSize(args.size)
    try:
        run = run_follow(size, args)
    except StageFailed as exc:
        print(f"{size.label}: {exc}", file=sys.stderr)
        return 1
    FOLLOW_DIR.mkdir(parents=True, exist_ok=True)
    (FOLLOW_DIR / f"{size.label}.json").write_text(json.dumps(run, indent=1))
    print(f"{size.label}: offered {run['offered_events_per_s']} events/s, folded"
          f" {run['folded_events_per_s']} events/s, lag p50 {run['lag_p50_s']} s,"
          f" p99 {run['lag_p99_s']} s over {len(run['cycles'])} cycles")  # fmt: skip
    runs = sorted((json.loads(q.read_text()) for q in OUT_DIR.glob("*.json")),
                  key=lambda r: r["events"])  # fmt: skip
    write_report(runs)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
