"""`python -m bench`: generate, run the real pipeline at each size, compare peers, report.

    python -m bench                                  1M, 3M, 10M events, 3 repeats each
    python -m bench --sizes 1000000 --repeats 5      other sizes / repeats
    python -m bench --quick                          the smoke version (20k events, once)
    python -m bench --report-only                    rewrite the report from bench/out/runs

Each finished run is saved as <out>/runs/<size>_r<k>.json at once, so a long bench that
stops early still reports what ran, and sizes run on different invocations add up
(runs of a size are replaced when that size runs again). Exit code 1 if a stage failed
or a peer's rows differed from the warehouse's.
"""

from __future__ import annotations

import argparse
import json
import shutil
import sys
from collections.abc import Sequence
from pathlib import Path

from bench.machine import machine_info
from bench.profile import profile_models
from bench.report import FEATURE_MODEL, PIT_MODELS, SIMILARITY_MODELS, load_runs, write_report
from bench.runner import RunSettings, StageFailed, run_once
from bench.settings import (
    DEFAULT_SIZES,
    DUCKDB_MEMORY_LIMIT,
    PROJECT_ROOT,
    QUICK_SIZES,
    DataSize,
)

BENCH_DIR = PROJECT_ROOT / "bench"


def _sizes(text: str) -> list[int]:
    try:
        sizes = [int(part.replace("_", "")) for part in text.split(",") if part.strip()]
    except ValueError:
        raise argparse.ArgumentTypeError(f"--sizes takes integers, got {text!r}") from None
    if not sizes or min(sizes) < 1000:
        raise argparse.ArgumentTypeError("--sizes: each size must be >= 1000 events")
    return sorted(set(sizes))


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="python -m bench", description=__doc__, formatter_class=argparse.RawTextHelpFormatter
    )
    p.add_argument("--sizes", type=_sizes, default=list(DEFAULT_SIZES), help="events per size")
    p.add_argument("--repeats", type=int, default=3, help="runs per size (default 3)")
    p.add_argument("--out", type=Path, default=BENCH_DIR / "out", help="runs and work files")
    p.add_argument("--quick", action="store_true", help="smoke sizes (20k events), 1 repeat")
    p.add_argument("--report", type=Path, default=None, help="report path (default below)")
    p.add_argument("--plot", type=Path, default=None, help="plot path (default beside report)")
    p.add_argument("--report-only", action="store_true", help="only rewrite the report")
    p.add_argument("--no-profile", action="store_true", help="skip EXPLAIN ANALYZE")
    p.add_argument("--duckdb-threads", default="2", help="SOCIAL_ML_DUCKDB_THREADS")
    p.add_argument(
        "--duckdb-memory-limit", default=DUCKDB_MEMORY_LIMIT, help="SOCIAL_ML_DUCKDB_MEMORY_LIMIT"
    )
    p.add_argument("--keep-work", action="store_true", help="keep raw data and warehouses")
    return p


def _profile(args: argparse.Namespace, settings: RunSettings, size: DataSize) -> None:
    """EXPLAIN ANALYZE the target models on the last warehouse of `size`; save as JSON."""
    work = settings.work_dir / size.label
    models = [*SIMILARITY_MODELS, FEATURE_MODEL, *PIT_MODELS]
    found = profile_models(
        work / "warehouse.duckdb",
        work / "target" / "run_results.json",
        models,
        settings.duckdb_threads,
        settings.duckdb_memory_limit,
    )
    (args.out / "profiles").mkdir(parents=True, exist_ok=True)
    (args.out / "profiles" / f"{size.label}.json").write_text(json.dumps(found, indent=2))


def _load_profiles(out: Path) -> dict[str, object]:
    profiles = {}
    for path in sorted((out / "profiles").glob("*.json")):
        profiles[path.stem] = json.loads(path.read_text())
    return profiles


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    if args.quick:
        args.sizes, args.repeats = list(QUICK_SIZES), 1
    if args.repeats < 1:
        print("bench: --repeats must be >= 1", file=sys.stderr)
        return 2
    args.out = args.out.resolve()
    report = args.report or (args.out / "REPORT.md" if args.quick else BENCH_DIR / "REPORT.md")
    plot_path = args.plot or report.parent / ("scaling.png" if not args.quick else "plot.png")
    settings = RunSettings(
        work_dir=args.out / "work",
        duckdb_threads=str(args.duckdb_threads),
        duckdb_memory_limit=str(args.duckdb_memory_limit),
    )
    machine = machine_info(PROJECT_ROOT)
    (args.out / "runs").mkdir(parents=True, exist_ok=True)
    (args.out / "machine.json").write_text(json.dumps(machine, indent=2))
    failures: list[str] = []
    if not args.report_only:
        for events in args.sizes:
            size = DataSize(events)
            for old in (args.out / "runs").glob(f"{size.label}_r*.json"):
                old.unlink()
            for repeat in range(1, args.repeats + 1):
                print(f"bench: {size.label} events, run {repeat}/{args.repeats}", flush=True)
                try:
                    record = run_once(size, repeat, settings)
                except StageFailed as exc:
                    failures.append(str(exc.args[0]))
                    print(exc.args[0], file=sys.stderr, flush=True)
                    break
                record["machine"] = machine
                path = args.out / "runs" / f"{size.label}_r{repeat}.json"
                path.write_text(json.dumps(record, indent=2))
                stages = ", ".join(f"{k} {v['seconds']:.1f}s" for k, v in record["stages"].items())
                print(f"bench: {size.label} run {repeat}: {stages}", flush=True)
                for stage, result in record["stages"].items():
                    # A peer with a verdict is judged below; one without it crashed.
                    judged = stage.removeprefix("peer_") in record["peers"]
                    if result["returncode"] != 0 and not judged:
                        failures.append(f"{size.label} run {repeat}: {stage} exited non-zero")
                for node in record.get("dbt", {}).get("failed", []):
                    failures.append(f"{size.label} run {repeat}: dbt node {node} failed")
                for peer, verdict in record["peers"].items():
                    if not verdict.get("equal"):
                        failures.append(f"{size.label} peer {peer}: {verdict.get('mismatch')}")
            else:
                # Re-running the models costs minutes at 10M: only the largest size.
                if not args.no_profile and events == max(args.sizes):
                    _profile(args, settings, size)
            if not args.keep_work:
                shutil.rmtree(settings.work_dir / size.label, ignore_errors=True)
    runs = load_runs(args.out)
    commentary = BENCH_DIR / "COMMENTARY.md" if not args.quick else None
    runs_dir = args.out / "runs"
    shown = (
        runs_dir.relative_to(PROJECT_ROOT) if runs_dir.is_relative_to(PROJECT_ROOT) else runs_dir
    )
    write_report(runs, machine, report, plot_path, _load_profiles(args.out), commentary, str(shown))
    print(f"bench: wrote {report}")
    for failure in failures:
        print(f"bench: FAILED {failure}", file=sys.stderr)
    return 1 if failures else 0
