"""`make bench-quick`: the regression guard, one 1M-event run against the committed figures.

    python -m bench.quick                      run once, compare with bench/quick_baseline.json
    python -m bench.quick --save-baseline      run once and make the run the baseline
    python -m bench.quick --compare FILE       compare a saved run (bench/out/quick/last.json)

The run is the bench's own (bench.runner: datagen, the whole dbt build without unit
tests, train, score, each in a fresh measured process) at 1M events, without peers or
evaluation, so it fits in about three minutes here. Each stage and each model is compared
with the baseline: one more than 20% slower, and slower by more than a noise floor
(timers and the page cache move small figures by more than 20%), is named, and the exit
code is 1. A figure is only worth comparing on a quiet machine: the load average at the
start is printed, and a run that starts loaded says so.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from bench.machine import load_average, machine_info
from bench.runner import RunSettings, StageFailed, run_once
from bench.settings import PROJECT_ROOT, DataSize

BASELINE = PROJECT_ROOT / "bench" / "quick_baseline.json"
OUT_DIR = PROJECT_ROOT / "bench" / "out" / "quick"
QUICK_EVENTS = 1_000_000
THRESHOLD = 0.20
# Below these differences a change is timer noise, whatever its ratio.
STAGE_FLOOR_SECONDS = 3.0
MODEL_FLOOR_SECONDS = 1.0
# A model is compared when it took at least this long in the baseline or now.
MODEL_MIN_SECONDS = 1.0
BUSY_LOAD = 0.5


@dataclass(frozen=True)
class Change:
    """One compared figure: a stage or a model, its baseline and current seconds."""

    kind: str
    name: str
    baseline: float
    current: float

    @property
    def ratio(self) -> float:
        return self.current / self.baseline if self.baseline > 0 else float("inf")

    def is_regression(self, threshold: float) -> bool:
        floor = STAGE_FLOOR_SECONDS if self.kind == "stage" else MODEL_FLOOR_SECONDS
        return self.ratio > 1 + threshold and self.current - self.baseline > floor


def figures(record: dict[str, object]) -> dict[str, object]:
    """The comparable figures of one bench run record: seconds per stage and per model."""
    stages = {name: float(stage["seconds"]) for name, stage in record["stages"].items()}
    nodes = record.get("dbt", {}).get("nodes", [])
    models = {
        node["name"]: round(float(node["execution_seconds"]), 2)
        for node in nodes
        if node["resource_type"] == "model"
    }
    tests = sum(float(n["execution_seconds"]) for n in nodes if n["resource_type"] == "test")
    return {
        "events": record["events"],
        "stages": stages,
        "data_tests_seconds": round(tests, 2),
        "models": models,
        "load_average_start": record.get("load_average_start"),
        "load_average_end": record.get("load_average_end"),
    }


def compare(baseline: dict[str, object], current: dict[str, object]) -> list[Change]:
    """Every stage of the baseline, the data tests' total, and the models worth timing."""
    changes = [
        Change("stage", name, seconds, current["stages"][name])
        for name, seconds in baseline["stages"].items()
        if name in current["stages"]
    ]
    changes.append(
        Change("tests", "data tests (sum)", baseline["data_tests_seconds"],
               current["data_tests_seconds"])
    )  # fmt: skip
    for name, seconds in baseline["models"].items():
        now = current["models"].get(name)
        if now is not None and max(seconds, now) >= MODEL_MIN_SECONDS:
            changes.append(Change("model", name, seconds, now))
    return changes


def render(changes: list[Change], baseline: dict, current: dict, threshold: float) -> str:
    """A plain-text table, slowest-growing first, and the verdict."""
    lines = [
        f"baseline: commit {baseline.get('commit', '?')}, load {baseline.get('load_average_start')}"
        f" | now: commit {current.get('commit', '?')}, load {current.get('load_average_start')}",
        f"{'figure':<44} {'baseline s':>10} {'now s':>8} {'change':>8}",
    ]
    shown = sorted(changes, key=lambda c: (c.kind != "stage", -c.ratio))
    for change in shown:
        flag = "  SLOWER" if change.is_regression(threshold) else ""
        lines.append(
            f"{change.kind + ' ' + change.name:<44} {change.baseline:>10.1f} {change.current:>8.1f}"
            f" {change.ratio - 1:>+8.0%}{flag}"
        )
    gone = sorted(set(baseline["models"]) - set(current["models"]))
    new = sorted(set(current["models"]) - set(baseline["models"]))
    if gone:
        lines.append("models in the baseline only: " + ", ".join(gone))
    if new:
        lines.append("models new since the baseline: " + ", ".join(new))
    slower = [c for c in changes if c.is_regression(threshold)]
    if slower:
        names = ", ".join(f"{c.name} ({c.ratio - 1:+.0%})" for c in slower)
        lines.append(f"bench-quick: {len(slower)} slower by more than {threshold:.0%}: {names}")
    else:
        lines.append(f"bench-quick: nothing slower by more than {threshold:.0%}")
    return "\n".join(lines)


def run(events: int, out: Path) -> dict[str, object]:
    """One measured run of the pipeline at `events`; its figures, stamped with the commit."""
    settings = RunSettings(work_dir=out / "work", peers=(), ml_stages=("train", "score"))
    record = run_once(DataSize(events), 1, settings)
    failed = record.get("dbt", {}).get("failed", [])
    bad = [name for name, stage in record["stages"].items() if stage["returncode"] != 0]
    if failed or bad:
        raise StageFailed(f"bench-quick: failed stages {bad}, dbt nodes {failed}", record)
    machine = machine_info(PROJECT_ROOT)
    return {
        **figures(record),
        "commit": machine.get("commit"),
        "measured_at": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
    }


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="python -m bench.quick", description=__doc__,
        formatter_class=argparse.RawTextHelpFormatter,
    )  # fmt: skip
    p.add_argument("--events", type=int, default=QUICK_EVENTS, help="events (default 1M)")
    p.add_argument("--baseline", type=Path, default=BASELINE, help="committed figures")
    p.add_argument("--out", type=Path, default=OUT_DIR, help="work files and last.json")
    p.add_argument("--threshold", type=float, default=THRESHOLD, help="0.20 = 20%% slower")
    p.add_argument("--save-baseline", action="store_true", help="write this run as the baseline")
    p.add_argument("--compare", type=Path, default=None, help="a saved run: compare, no run")
    return p


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    if args.events < 1000:
        print("bench-quick: --events must be >= 1000", file=sys.stderr)
        return 2
    if args.compare is not None:
        current = json.loads(args.compare.read_text())
    else:
        load = load_average()
        print(f"bench-quick: {args.events:,} events, load average {load}", flush=True)
        if load and load[0] > BUSY_LOAD:
            print("bench-quick: the machine is busy; its figures will be noise", flush=True)
        try:
            current = run(args.events, args.out.resolve())
        except StageFailed as exc:
            print(exc.args[0], file=sys.stderr)
            return 1
        args.out.mkdir(parents=True, exist_ok=True)
        (args.out / "last.json").write_text(json.dumps(current, indent=2))
    if args.save_baseline:
        args.baseline.write_text(json.dumps(current, indent=2) + "\n")
        print(f"bench-quick: wrote {args.baseline}; commit it with the change it measures")
        return 0
    if not args.baseline.exists():
        print(f"bench-quick: no baseline at {args.baseline}; run with --save-baseline first")
        return 2
    baseline = json.loads(args.baseline.read_text())
    if baseline.get("events") != current.get("events"):
        print(f"bench-quick: the baseline has {baseline.get('events')} events, this run "
              f"{current.get('events')}; compare runs of one size", file=sys.stderr)  # fmt: skip
        return 2
    changes = compare(baseline, current)
    print(render(changes, baseline, current, args.threshold))
    return 1 if any(c.is_regression(args.threshold) for c in changes) else 0


if __name__ == "__main__":
    sys.exit(main())
