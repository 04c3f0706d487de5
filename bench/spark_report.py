"""bench/SPARK.md from bench.spark's runs: the dbt build on DuckDB and on Spark local per
size, where Spark spends its time, and a paper estimate of a 100x larger log on a
cluster, derived from the measured throughput (nothing in it is typed in by hand)."""

from __future__ import annotations

import time
from pathlib import Path

from bench.report import _table

# The estimate's assumptions, printed beside it.
WORKER_CORES = 8
WORKERS = (4, 16, 64)
SCALE_UP = 100
PARALLEL_EFFICIENCY = 0.7  # shuffles and stragglers: a cluster rarely scales linearly
ENGINE_NAMES = {"duckdb": "DuckDB", "spark": "Spark local"}


def _gib(build: dict, engine: str) -> str:
    """Peak RSS; Spark runs from before the process tree was sampled missed the JVM."""
    if engine == "spark" and not build.get("peak_rss_sampled"):
        return "n/a"
    return f"{build['peak_rss_bytes'] / 2**30:.2f}"


def _kind(build: dict, kind: str, field: str = "execution_seconds") -> float:
    return float(build["dbt"]["by_kind"].get(kind, {}).get(field, 0.0))


def _models(build: dict) -> dict[str, float]:
    return {
        n["name"]: n["execution_seconds"] for n in build["dbt"]["nodes"]
        if n["resource_type"] == "model"
    }


def _raw_events(run: dict) -> int:
    """Raw event rows read (bots and injected dirt included): what the build processes."""
    return int(run["raw_rows"].get("raw_events", run["events"]))


def _median(values: list[float]) -> float:
    ordered = sorted(values)
    middle = len(ordered) // 2
    return ordered[middle] if len(ordered) % 2 else (ordered[middle - 1] + ordered[middle]) / 2


def _fit(runs: list[dict]) -> tuple[float, float, str]:
    """Spark's model time as fixed + per_event * raw event rows: a line through the
    smallest and the largest size, or through the origin when only one size ran."""
    points = [(_raw_events(r), _kind(r["builds"]["spark"], "model")) for r in runs]
    if len(points) >= 2:
        (e0, t0), (e1, t1) = points[0], points[-1]
        per_event = (t1 - t0) / (e1 - e0)
        how = f"a line through {runs[0]['label']} and {runs[-1]['label']}"
        return t0 - per_event * e0, per_event, how
    events, seconds = points[0]
    return 0.0, seconds / events, f"{runs[0]['label']} alone, no fixed part (one size ran)"


def _estimate_lines(runs: list[dict], cores: int) -> list[str]:
    fixed, per_event, how = _fit(runs)
    events = SCALE_UP * _raw_events(runs[-1])
    core_seconds = per_event * events * cores
    lines = [
        f"Spark's model time, fitted as {fixed:.0f} s fixed + {per_event * 1e6:.1f} s per "
        f"million raw event rows ({how}), on {cores} cores: {1 / (per_event * cores):,.0f} "
        f"rows per core-second. A log {SCALE_UP}x the largest ({events:,} rows) is "
        f"{core_seconds / 3600:,.1f} core-hours of that work. Spread over a cluster of "
        f"{WORKER_CORES}-core workers at {PARALLEL_EFFICIENCY:.0%} parallel efficiency, "
        "plus the fixed part (planning and scheduling each model, which does not shrink "
        "with workers):",
        "",
    ]
    rows = []
    for workers in WORKERS:
        parallel = core_seconds / (workers * WORKER_CORES * PARALLEL_EFFICIENCY)
        rows.append([str(workers), str(workers * WORKER_CORES), f"{(fixed + parallel) / 60:,.0f}"])
    lines += _table(["workers", "cores", "model time (minutes)"], rows)
    one_size = (
        "With one size the line goes through the origin, so the fixed cost of each model "
        "is counted as work that spreads over the workers: an overestimate of the "
        "per-row cost. " if len(runs) == 1 else ""
    )
    lines += [
        "",
        one_size + "What the estimate leaves out: the data tests (they scan the same "
        "tables again), reading the raw files from object storage instead of a local disk, "
        "and skew (a heavy user's rows are one task's work).",
    ]
    return lines


def _why_lines(run: dict) -> list[str]:
    """The gap split into what every query pays and what the heavy models pay."""
    spark, duck = _models(run["builds"]["spark"]), _models(run["builds"]["duckdb"])
    tests = {e: run["builds"][e]["dbt"]["by_kind"].get("test", {}) for e in ("spark", "duckdb")}
    per_test = {
        e: t.get("execution_seconds", 0.0) / t["count"] if t.get("count") else 0.0
        for e, t in tests.items()
    }
    heavy = sorted(spark, key=lambda name: -spark[name])[:3]
    heavy_share = sum(spark[name] for name in heavy) / max(sum(spark.values()), 1e-9)
    ratios = [spark[name] / duck[name] for name in heavy if duck.get(name)]
    return [
        f"- Every query pays a fixed cost on Spark: the median model takes "
        f"{_median(list(spark.values())):.2f} s there against {_median(list(duck.values())):.2f} s "
        f"on DuckDB, and a data test {per_test['spark']:.2f} s against "
        f"{per_test['duckdb']:.2f} s on average. Spark analyses and optimises each query on "
        "the JVM, compiles it to Java code and runs it as at least one job of tasks; a model "
        "also writes a Parquet table through the metastore, which the next model reads "
        "back. DuckDB runs each query inside dbt's process on its own storage.",
        f"- The heavy models are slower too, by {min(ratios, default=0):.1f}x to "
        f"{max(ratios, default=0):.1f}x for the three slowest on Spark ({', '.join(heavy)}: "
        f"{heavy_share:.0%} of its model time): each join and window exchanges its rows "
        "through local disk between stages, 2 tasks at a time on 2 cores, where DuckDB's "
        "operators work on columns in memory within one process.",
        "- Spark's gains (more machines, data larger than one machine's disk, fault "
        "tolerance) are not on offer on one 2-core machine: the figures above are its cost "
        "of entry, which the paper estimate below spreads over a cluster.",
    ]


def write_spark_report(runs: list[dict], path: Path) -> None:
    runs = sorted(runs, key=lambda r: r["events"])
    machine = runs[-1]["machine"]
    versions = machine["versions"]
    cores = int(machine["cores"])
    lines = [
        "# Spark local beside DuckDB",
        "",
        f"Generated {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())} by "
        "`python -m bench.spark` from the runs in bench/out/spark/runs. One run per size: "
        "`dbt build --exclude-resource-type unit_test` of datagen's Parquet files on each "
        "engine, one engine at a time, each alone on the machine.",
        "",
        "## Machine and versions",
        "",
        f"- {cores} cores ({machine['cpu']}), {machine['memory_bytes'] / 2**30:.1f} GiB RAM; "
        f"commit {machine['commit']}",
        f"- dbt-core {versions.get('dbt-core')}, dbt-duckdb {versions.get('dbt-duckdb')}, "
        f"duckdb {versions.get('duckdb')}; Spark: dbt-spark {versions.get('dbt-spark', '?')}, "
        f"pyspark {versions.get('pyspark', '?')} (method session, local[*], "
        "shuffle partitions 4, one model at a time)",
        "",
        "## The build",
        "",
    ]
    rows = []
    for run in runs:
        duck, spark = run["builds"]["duckdb"], run["builds"]["spark"]
        differ = run["row_counts_differ"]
        same = "NO: " + ", ".join(differ) if differ else "yes"
        rows.append([
            run["label"], f"{run['raw_rows'].get('raw_events', 0):,}",
            f"{duck['seconds']:.1f}", f"{spark['seconds']:.1f}",
            f"{spark['seconds'] / duck['seconds']:.1f}x",
            _gib(duck, "duckdb"), _gib(spark, "spark"),
            f"{duck['load_average_start'][0]} / {spark['load_average_start'][0]}", same,
        ])  # fmt: skip
    lines += _table(
        ["size", "raw event rows", "DuckDB s", "Spark s", "Spark/DuckDB", "DuckDB GiB",
         "Spark GiB", "load at start (DuckDB / Spark)", "row counts equal"],
        rows,
    )  # fmt: skip
    lines += ["", "## Where the time goes (dbt's execution time per kind, seconds)", ""]
    rows = []
    for run in runs:
        for engine, build in run["builds"].items():
            dbt = build["dbt"]
            rows.append([
                run["label"], ENGINE_NAMES[engine], f"{dbt['startup_parse_seconds']:.1f}",
                f"{_kind(build, 'seed'):.1f}", f"{_kind(build, 'model'):.1f}",
                f"{_kind(build, 'test'):.1f}",
                str(int(dbt["by_kind"].get("test", {}).get("count", 0))),
            ])  # fmt: skip
    lines += _table(["size", "engine", "startup", "seeds", "models", "data tests", "tests"], rows)
    largest = runs[-1]
    spark_models = _models(largest["builds"]["spark"])
    duck_models = _models(largest["builds"]["duckdb"])
    lines += ["", f"## The slowest models on Spark at {largest['label']} (seconds)", ""]
    rows = [
        [name, f"{seconds:.1f}", f"{duck_models.get(name, 0.0):.1f}",
         f"{seconds / duck_models[name]:.1f}x" if duck_models.get(name) else "-"]
        for name, seconds in sorted(spark_models.items(), key=lambda kv: -kv[1])[:12]
    ]  # fmt: skip
    lines += _table(["model", "Spark", "DuckDB", "ratio"], rows)
    quick = sum(1 for s in spark_models.values() if s < 2.0)
    lines += [
        "",
        f"{quick} of {len(spark_models)} models took under 2 s on Spark at this size; "
        f"their sum is {sum(s for s in spark_models.values() if s < 2.0):.0f} s.",
        "",
        "## Throughput (raw event rows per second of model time, per core)",
        "",
    ]
    rows = []
    for run in runs:
        rows.append([run["label"]] + [
            f"{_raw_events(run) / _kind(run['builds'][e], 'model') / cores:,.0f}"
            for e in ("duckdb", "spark")
        ])  # fmt: skip
    lines += _table(["size", "DuckDB", "Spark local"], rows)
    lines += ["", f"## Why Spark is slower here ({largest['label']})", ""]
    lines += _why_lines(largest)
    lines += ["", f"## Paper estimate: {SCALE_UP}x the largest log on a cluster", ""]
    lines += _estimate_lines(runs, cores)
    path.write_text("\n".join(lines) + "\n")
