"""The benchmark's smoke version, so `make bench` cannot rot between the long runs.

`python -m bench --quick` runs every stage at 20k events once: datagen to Parquet, the
whole dbt project through the bring-your-own-data path into a private warehouse and
target, train / score / evaluate, the scipy, polars and pandas peers with their
equality checks, and the report writer. No timing is asserted anywhere: only that each
piece ran, measured something and agreed with the warehouse.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pyarrow as pa
import pytest

from bench.peers.compare import PeerMismatch, assert_same_rows
from bench.peers.similarity import capped_history
from bench.report import write_report


@pytest.fixture(scope="module")
def quick_run(tmp_path_factory: pytest.TempPathFactory, project_root: Path) -> Path:
    out = tmp_path_factory.mktemp("bench") / "out"
    result = subprocess.run(
        [sys.executable, "-m", "bench", "--quick", "--out", str(out)],
        cwd=project_root,
        capture_output=True,
        text=True,
        timeout=900,
        check=False,
    )
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    return out


def _run_record(out: Path) -> dict:
    (path,) = sorted((out / "runs").glob("*.json"))
    return json.loads(path.read_text())


def test_quick_bench_runs_every_stage_in_its_own_measured_process(quick_run: Path) -> None:
    record = _run_record(quick_run)
    stages = record["stages"]
    for stage in ("generate", "dbt_build", "train", "score", "evaluate"):
        assert stages[stage]["returncode"] == 0, stage
        assert stages[stage]["seconds"] > 0
        assert stages[stage]["peak_rss_bytes"] > 10 * 2**20, stage
    assert record["raw_rows"]["raw_events"] > 15_000


def test_quick_bench_splits_dbt_overhead_from_query_time(quick_run: Path) -> None:
    dbt = _run_record(quick_run)["dbt"]
    assert dbt["failed"] == []
    models = dbt["by_kind"]["model"]
    assert models["count"] >= 30
    assert 0 < models["query_seconds"] < models["execution_seconds"]
    assert 0 < dbt["startup_parse_seconds"] < dbt["wall_seconds"]
    names = {n["name"] for n in dbt["nodes"]}
    assert {"sim_tweet_tweet", "feat_user_daily", "int_sim_tweet_pairs"} <= names


def test_quick_bench_peers_equal_the_warehouse(quick_run: Path) -> None:
    peers = _run_record(quick_run)["peers"]
    assert set(peers) == {"scipy", "polars", "pandas"}
    for name, verdict in peers.items():
        assert verdict["equal"], (name, verdict.get("mismatch"))
        assert verdict["rows"] > 1000, name
        assert verdict["compute_seconds"] > 0, name


def test_quick_bench_writes_the_report(quick_run: Path) -> None:
    report = (quick_run / "REPORT.md").read_text()
    for heading in ("## Machine and versions", "## Targets", "## Peers", "## dbt: its own"):
        assert heading in report
    assert "equal in 1/1 runs" in report
    assert "### EXPLAIN ANALYZE at 20k" in report


def test_equality_check_rejects_a_value_off_by_more_than_1e_9() -> None:
    warehouse = pa.table({"k": [1, 2, 3], "n": [5, 6, 7], "x": [0.5, 0.25, None]})
    assert assert_same_rows(warehouse, warehouse.take([2, 0, 1]), ["k"]) == 3
    near = pa.table({"k": [1, 2, 3], "n": [5, 6, 7], "x": [0.5 + 1e-12, 0.25, None]})
    assert assert_same_rows(warehouse, near, ["k"]) == 3
    off = pa.table({"k": [1, 2, 3], "n": [5, 6, 7], "x": [0.5 + 1e-6, 0.25, None]})
    with pytest.raises(PeerMismatch, match="column x"):
        assert_same_rows(warehouse, off, ["k"])


def test_equality_check_rejects_missing_rows_nulls_and_columns() -> None:
    warehouse = pa.table({"k": [1, 2], "n": [5, 6], "x": [0.5, None]})
    with pytest.raises(PeerMismatch, match="row count"):
        assert_same_rows(warehouse, warehouse.slice(0, 1), ["k"])
    with pytest.raises(PeerMismatch, match="NULL"):
        assert_same_rows(warehouse, pa.table({"k": [1, 2], "n": [5, 6], "x": [0.5, 0.0]}), ["k"])
    with pytest.raises(PeerMismatch, match="lacks column"):
        assert_same_rows(warehouse, pa.table({"k": [1, 2], "n": [5, 6]}), ["k"])
    with pytest.raises(PeerMismatch, match="column k"):
        assert_same_rows(warehouse, pa.table({"k": [1, 3], "n": [5, 6], "x": [0.5, None]}), ["k"])


def test_capped_history_keeps_the_latest_distinct_tweets_per_user() -> None:
    user = np.array([1, 1, 1, 1, 2])
    tweet = np.array([10, 11, 10, 12, 10])
    event_us = np.array([1, 5, 9, 5, 1])
    # User 1: tweet 10 last at 9, then 11 and 12 tie at 5 (smaller id first); cap 2.
    kept_user, kept_tweet = capped_history(user, tweet, event_us, cap=2)
    assert list(zip(kept_user.tolist(), kept_tweet.tolist(), strict=True)) == [
        (1, 10),
        (1, 11),
        (2, 10),
    ]


def _fake_run(events: int, repeat: int, build: float, sim: float, scipy: float) -> dict:
    stages = {
        name: {"seconds": seconds, "peak_rss_bytes": 2**30, "returncode": 0}
        for name, seconds in (
            ("generate", events / 1e6),
            ("dbt_build", build),
            ("train", 10.0),
            ("score", 10.0),
            ("evaluate", 1.0),
        )
    }
    nodes = [
        {"name": m, "resource_type": "model", "execution_seconds": sim / 3, "query_seconds": 0.1}
        for m in ("int_sim_user_tweet_history", "int_sim_tweet_pairs", "sim_tweet_tweet")
    ]
    return {
        "events": events,
        "label": f"{events // 1_000_000}M",
        "repeat": repeat,
        "users": 1,
        "tweets": 1,
        "stages": stages,
        "dbt": {"nodes": nodes, "by_kind": {}, "wall_seconds": build},
        "peers": {"scipy": {"equal": True, "rows": 10, "compute_seconds": scipy}},
    }


def test_report_marks_missed_targets_with_their_margin(tmp_path: Path) -> None:
    runs = [
        _fake_run(1_000_000, 1, build=20.0, sim=1.0, scipy=1.0),
        _fake_run(10_000_000, 1, build=400.0, sim=3.0, scipy=10.0),
        _fake_run(10_000_000, 2, build=500.0, sim=3.0, scipy=10.0),
    ]
    report = write_report(runs, {"cores": 2}, tmp_path / "R.md", tmp_path / "p.png").read_text()
    assert "| dbt build (whole project) | < 60 s | 450.0 s (400.0-500.0) | MISSED |" in report
    assert "over by 390.0 s (7.50x)" in report
    assert "| similarity models / scipy.sparse | <= 0.65x | 0.30x (0.30-0.30) | met |" in report
    # 20 s -> 450 s over 10x the events: k = log10(22.5) = 1.35, growth flagged.
    assert "| growth of dbt_build | k ~ 1 (<= 1.2) | 1.35 | MISSED |" in report
