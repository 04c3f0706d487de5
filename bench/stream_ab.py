"""`python -m bench.stream_ab`: the stream's hot path against the path it replaced, on one
warehouse, turn about.

    python -m bench.stream_ab --size 10M --hours 4

Needs a warehouse `python -m bench.stream` left (bench/out/stream_work/<size>/, with the
batches it held back). Lands the next --hours held batches one at a time and folds each
in, alternately, the old way (`dbt build` of the whole graph, `ml score` with the
training set) and the hot path (`dbt build --selector stream_batch`, `ml score
--candidates-only`), so both see the same machine at the same time: bench.stream's
separate runs vary by more than the difference on a noisy host. Each hour is saved to
bench/out/stream_ab/<size>.json and printed, and bench/STREAM.md is rewritten.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Sequence
from pathlib import Path

import pyarrow.parquet as pq

from bench.runner import RunPaths, RunSettings, stage_env
from bench.settings import PROJECT_ROOT
from bench.stream import (
    AB_DIR,
    BUILD,
    DBT,
    HOUR_BUILD,
    HOUR_SCORE,
    OUT_DIR,
    PY,
    SCORE,
    stage,
    write_report,
)

PATHS = {
    "old": (BUILD, SCORE),
    "hot": (HOUR_BUILD, HOUR_SCORE),
}


def fold_turn_about(paths: RunPaths, env: dict[str, str], hours: int) -> list[dict]:
    held = sorted((paths.root / "held").glob("*.parquet"))[:hours]
    results = []
    for index, batch in enumerate(held):
        kind = ("old", "hot")[index % 2]
        build_args, score_args = PATHS[kind]
        rows = pq.read_metadata(batch).num_rows
        os.replace(batch, paths.raw / "raw_events" / batch.name)
        build = stage(f"ab{index}_dbt", [DBT, *build_args], env, paths)
        score = stage(f"ab{index}_score", [PY, *score_args], env, paths)
        kinds = build["dbt"]["by_kind"]
        result = {
            "kind": kind, "batch": batch.stem, "rows": rows,
            "dbt": round(build["seconds"], 1), "score": round(score["seconds"], 1),
            "total": round(build["seconds"] + score["seconds"], 1),
            "load": build["load_average_start"][0],
            "models": round(kinds["model"]["execution_seconds"], 1),
            "tests": round(kinds["test"]["execution_seconds"], 1),
        }  # fmt: skip
        print(json.dumps(result), flush=True)
        results.append(result)
    return results


def main(argv: Sequence[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m bench.stream_ab", description=__doc__,
                                formatter_class=argparse.RawTextHelpFormatter)  # fmt: skip
    p.add_argument("--size", default="10M", help="the bench.stream run to continue (its label)")
    p.add_argument("--hours", type=int, default=4, help="held batches to fold in, turn about")
    p.add_argument("--work", type=Path, default=PROJECT_ROOT / "bench" / "out" / "stream_work")
    args = p.parse_args(argv)
    paths = RunPaths(args.work / args.size)
    if not (paths.root / "held").is_dir() or args.hours < 2:
        p.error(f"needs {paths.root}/held (run `python -m bench.stream` first) and --hours >= 2")
    results = fold_turn_about(paths, stage_env(paths, RunSettings(work_dir=args.work)), args.hours)
    AB_DIR.mkdir(parents=True, exist_ok=True)
    (AB_DIR / f"{args.size}.json").write_text(json.dumps(results, indent=1))
    write_report(sorted((json.loads(p.read_text()) for p in OUT_DIR.glob("*.json")),
                        key=lambda r: r["events"]))  # fmt: skip
    return 0


if __name__ == "__main__":
    sys.exit(main())
