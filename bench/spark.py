"""`python -m bench.spark`: the same dbt build on DuckDB and on Spark local, per size.

    python -m bench.spark --sizes 1000000             generate 1M events, build on both engines
    python -m bench.spark --sizes 1000000,10000000    several sizes (each saved when it ends)
    python -m bench.spark --report-only               rewrite bench/SPARK.md from the saved runs

Each size: datagen's Parquet files (the main bench's densities and seed), then
`dbt build --exclude-resource-type unit_test` through the bring-your-own-data path
(the main bench's build) on target dev (DuckDB) and on target spark (dbt-spark,
method session: Spark in dbt's process, local[*]), one after the other, each in a
fresh process with its wall time, peak RSS and dbt's per-node timings. Before any
ratio, every model's row count must match across the engines. The report adds a
paper estimate of a 100x larger log on a cluster, from the measured throughput.
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

import duckdb

from bench.cli import _sizes
from bench.dbt_timing import read_build
from bench.machine import load_average, machine_info
from bench.measure import run_measured, tail
from bench.runner import RunPaths, RunSettings, raw_row_counts, stage_env
from bench.settings import PROJECT_ROOT, DataSize
from bench.spark_report import write_spark_report
from orchestration.engine import ENGINES

BENCH_DIR = PROJECT_ROOT / "bench"
BUILD = ["build", "--exclude-resource-type", "unit_test", "--log-format-file", "json",
         "--log-level-file", "debug"]  # fmt: skip


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="python -m bench.spark", description=__doc__,
        formatter_class=argparse.RawTextHelpFormatter,
    )
    p.add_argument("--sizes", type=_sizes, default=[1_000_000], help="events per size")
    p.add_argument("--out", type=Path, default=BENCH_DIR / "out" / "spark", help="runs, work")
    p.add_argument("--report", type=Path, default=BENCH_DIR / "SPARK.md", help="report path")
    p.add_argument("--report-only", action="store_true", help="only rewrite the report")
    p.add_argument("--keep-work", action="store_true", help="keep data and warehouses")
    p.add_argument(
        "--spark-driver-memory", default="6g", help="SOCIAL_ML_SPARK_DRIVER_MEMORY (default 6g)"
    )
    return p


def _engine_env(paths: RunPaths, engine: str, driver_memory: str) -> dict[str, str]:
    env = stage_env(paths, RunSettings(work_dir=paths.root.parent))
    env.update(
        DBT_TARGET_PATH=str(paths.target / engine),
        DBT_LOG_PATH=str(paths.target / engine / "logs"),
        SOCIAL_ML_SPARK_WAREHOUSE=str(paths.root / "spark"),
        SOCIAL_ML_SPARK_DRIVER_MEMORY=driver_memory,
        SPARK_LOCAL_IP="127.0.0.1",
    )
    return env


def _duckdb_row_counts(db: Path) -> dict[str, int]:
    with duckdb.connect(str(db), read_only=True) as con:
        tables = con.execute(
            "select table_schema, table_name from information_schema.tables"
            " where table_schema in ('staging', 'intermediate', 'marts') order by all"
        ).fetchall()
        return {
            f"{s}.{t}": con.execute(f'select count(*) from "{s}"."{t}"').fetchone()[0]
            for s, t in tables
        }


def _spark_row_counts(warehouse: Path, relations: Sequence[str]) -> dict[str, int]:
    """count(*) of each relation in the Spark warehouse, in a child process (a JVM)."""
    out = warehouse.parent / "spark_counts.json"
    cmd = [sys.executable, "-m", "bench.spark_counts", str(warehouse), str(out), *relations]
    env = dict(os.environ, SPARK_LOCAL_IP="127.0.0.1")
    log = warehouse.parent / "spark_counts.log"
    measured = run_measured(cmd, env, log, cwd=PROJECT_ROOT)
    if measured.returncode != 0:
        raise RuntimeError(f"counting Spark rows failed:\n{tail(log)}")
    return json.loads(out.read_text())


def run_size(size: DataSize, out: Path, driver_memory: str) -> dict[str, object]:
    """Generate `size`, build it on each engine, check row counts; the run's record."""
    paths = RunPaths(out / "work" / size.label)
    paths.reset()
    shutil.rmtree(paths.root / "spark", ignore_errors=True)
    record: dict[str, object] = {
        "events": size.events, "label": size.label, "users": size.users, "tweets": size.tweets,
        "started_at": time.strftime("%Y-%m-%dT%H:%M:%S%z"), "machine": machine_info(PROJECT_ROOT),
    }  # fmt: skip
    py = sys.executable
    generate = [py, "-m", "datagen", *size.datagen_args(paths.raw, paths.truth)]
    log = paths.logs / "generate.log"
    measured = run_measured(generate, stage_env(paths, RunSettings(out)), log)
    if measured.returncode != 0:
        raise RuntimeError(f"{size.label}: datagen failed:\n{tail(log)}")
    record["raw_rows"] = raw_row_counts(paths.raw)
    dbt = str(Path(py).parent / "dbt")
    builds: dict[str, object] = {}
    for engine, target in ENGINES.items():
        env = _engine_env(paths, engine, driver_memory)
        log = paths.logs / f"dbt_{engine}.log"
        load_before = load_average()
        measured = run_measured(
            [dbt, *BUILD, "--target", target], env, log, cwd=PROJECT_ROOT, sample_tree=True
        )
        target_dir = paths.target / engine
        if not (target_dir / "run_results.json").exists():
            raise RuntimeError(f"{size.label}: dbt on {engine} ran nothing:\n{tail(log)}")
        builds[engine] = {
            "seconds": measured.seconds,
            "peak_rss_bytes": measured.peak_rss_bytes,
            "peak_rss_sampled": True,  # the process tree's, the JVM included
            "returncode": measured.returncode,
            "load_average_start": load_before,
            "load_average_end": load_average(),
            "dbt": read_build(target_dir, target_dir / "logs", measured.seconds),
        }
    record["builds"] = builds
    duck_counts = _duckdb_row_counts(paths.db)
    spark_counts = _spark_row_counts(paths.root / "spark", sorted(duck_counts))
    record["row_counts"] = {"duckdb": duck_counts, "spark": spark_counts}
    record["row_counts_differ"] = sorted(
        name for name in duck_counts if duck_counts[name] != spark_counts.get(name)
    )
    return record


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    runs_dir = args.out / "runs"
    if not args.report_only:
        runs_dir.mkdir(parents=True, exist_ok=True)
        for events in args.sizes:
            size = DataSize(events)
            print(f"bench.spark: {size.label} ({events:,} events): generate, build on "
                  f"{' and '.join(ENGINES)}", flush=True)  # fmt: skip
            record = run_size(size, args.out, args.spark_driver_memory)
            (runs_dir / f"{size.label}.json").write_text(json.dumps(record, indent=2))
            for engine, build in record["builds"].items():
                print(f"  {engine}: {build['seconds']:.1f} s, exit {build['returncode']}")
            if record["row_counts_differ"]:
                print(f"  row counts differ: {', '.join(record['row_counts_differ'])}")
            if not args.keep_work:
                shutil.rmtree(args.out / "work" / size.label, ignore_errors=True)
    runs = [json.loads(p.read_text()) for p in sorted(runs_dir.glob("*.json"))]
    if not runs:
        print(f"bench.spark: no runs in {runs_dir}: run a size first", file=sys.stderr)
        return 2
    write_spark_report(runs, args.report)
    print(f"bench.spark: report {args.report}")
    failed = [r["label"] for r in runs if r["row_counts_differ"] or any(
        b["returncode"] != 0 for b in r["builds"].values())]
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
