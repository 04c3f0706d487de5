"""bench/SPARK.md from bench.spark's runs: the figures and the cluster estimate follow
from the measured runs (here two made-up ones with round numbers)."""

from __future__ import annotations

from pathlib import Path

from bench.spark_report import PARALLEL_EFFICIENCY, SCALE_UP, WORKER_CORES, write_spark_report


def _build(seconds: float, model_seconds: float) -> dict:
    return {
        "seconds": seconds, "peak_rss_bytes": 2**30, "peak_rss_sampled": True, "returncode": 0,
        "load_average_start": [0.5, 0.5, 0.5], "load_average_end": [1.0, 1.0, 1.0],
        "dbt": {
            "startup_parse_seconds": 5.0,
            "by_kind": {"model": {"count": 2, "execution_seconds": model_seconds},
                        "test": {"count": 3, "execution_seconds": 1.0}},
            "nodes": [
                {"name": "big", "resource_type": "model", "execution_seconds": model_seconds - 1},
                {"name": "small", "resource_type": "model", "execution_seconds": 1.0},
            ],
        },
    }  # fmt: skip


def _run(events: int, label: str, duck: float, spark_models: float) -> dict:
    return {
        "events": events, "label": label, "raw_rows": {"raw_events": events},
        "machine": {"cores": 2, "cpu": "test cpu", "memory_bytes": 2**34, "commit": "abc",
                    "versions": {"dbt-spark": "1.11.0", "pyspark": "4.0"}},
        "builds": {
            "duckdb": _build(duck, duck - 10), "spark": _build(spark_models + 20, spark_models),
        },
        "row_counts_differ": [],
    }  # fmt: skip


def test_report_estimates_from_a_line_through_the_sizes(tmp_path: Path) -> None:
    """Spark's model time 100 s at 1M and 1000 s at 10M raw rows: 0 s fixed, 100 s per
    million rows, on 2 cores 5,000 rows per core-second; the 100x log of 10M rows is 1e9
    rows, 2e5 core-seconds, which 4 workers of 8 cores at the assumed efficiency
    finish in 2e5 / (32 * efficiency) seconds."""
    report = tmp_path / "SPARK.md"
    write_spark_report(
        [_run(10_000_000, "10M", 400.0, 1000.0), _run(1_000_000, "1M", 50.0, 100.0)], report
    )
    text = report.read_text()
    assert "| 1M | 1,000,000 | 50.0 | 120.0 | 2.4x | 1.00 | 1.00 |" in text
    assert "0 s fixed + 100.0 s per million raw event rows" in text
    assert "5,000 rows per core-second" in text
    minutes = 2e5 / (4 * WORKER_CORES * PARALLEL_EFFICIENCY) / 60
    assert f"| 4 | {4 * WORKER_CORES} | {minutes:,.0f} |" in text
    assert f"{SCALE_UP}x the largest ({SCALE_UP * 10_000_000:,} rows)" in text
