"""EXPLAIN ANALYZE for the models a target is about: where their time goes.

Each model's compiled SELECT (from run_results.json) is re-run on the built warehouse
(read-only, the profile's threads and memory_limit) with DuckDB's JSON profiler on. The
report lists the operators that took the most time and how many rows they produced,
which is what says *why* a model is slow (a join that fans out, a sort that spills).
"""

from __future__ import annotations

import json
import tempfile
import time
from pathlib import Path

import duckdb

from bench.settings import DUCKDB_MEMORY_LIMIT


def _operators(node: dict[str, object]) -> list[dict[str, object]]:
    """Every operator of a profile tree, flattened (DuckDB 1.x and 2.x key names)."""
    name = node.get("operator_name") or node.get("name") or node.get("operator_type") or "?"
    timing = node.get("operator_timing", node.get("timing", 0.0)) or 0.0
    rows = node.get("operator_cardinality", node.get("intermediate_rows", 0)) or 0
    found = [{"operator": str(name).strip(), "seconds": float(timing), "rows": int(rows)}]
    for child in node.get("children", []) or []:
        found += _operators(child)
    return found


def profile_sql(db: Path, sql: str, threads: str, memory_limit: str) -> dict[str, object]:
    """Run `sql` once with profiling on; its wall time, top operators and peak buffer memory."""
    with tempfile.TemporaryDirectory() as tmp:
        output = Path(tmp) / "profile.json"
        config = {"threads": threads, "memory_limit": memory_limit}
        with duckdb.connect(str(db), read_only=True, config=config) as con:
            con.execute("set enable_profiling = 'json'")
            con.execute(f"set profiling_output = '{output}'")
            start = time.perf_counter()
            con.execute(sql).fetchall()
            seconds = time.perf_counter() - start
            con.execute("set enable_profiling = 'no_output'")
        profile = json.loads(output.read_text())
    roots = profile.get("operator") or profile.get("children") or []
    if isinstance(roots, dict):
        roots = [roots]
    operators = [op for root in roots for op in _operators(root)]
    operators.sort(key=lambda op: -float(op["seconds"]))  # type: ignore[arg-type]
    system = profile.get("system") or {}
    return {
        "seconds": seconds,
        "operator_seconds": sum(float(op["seconds"]) for op in operators),  # type: ignore[arg-type]
        "top_operators": operators[:6],
        "peak_buffer_memory": system.get("peak_buffer_memory"),
        "bytes_spilled": system.get("total_bytes_spilled"),
    }


def profile_models(
    db: Path, run_results: Path, models: list[str], threads: str, memory_limit: str
) -> dict[str, dict[str, object]]:
    """Profile each named model whose compiled SQL is in `run_results`."""
    compiled = {
        r["unique_id"].split(".")[-1]: r.get("compiled_code")
        for r in json.loads(run_results.read_text())["results"]
        if r["unique_id"].startswith("model.")
    }
    found = {}
    for model in models:
        sql = compiled.get(model)
        if sql:
            found[model] = profile_sql(db, sql, threads, memory_limit)
    return found


def main(argv: list[str] | None = None) -> int:
    """`python -m bench.profile DB RUN_RESULTS MODEL...`: profile models of a built warehouse."""
    import argparse

    parser = argparse.ArgumentParser(description=main.__doc__)
    parser.add_argument("db", type=Path, help="the built warehouse (opened read-only)")
    parser.add_argument("run_results", type=Path, help="run_results.json of the build")
    parser.add_argument("models", nargs="+", help="model names")
    parser.add_argument("--threads", default="2")
    parser.add_argument("--memory-limit", default=DUCKDB_MEMORY_LIMIT)
    args = parser.parse_args(argv)
    found = profile_models(args.db, args.run_results, args.models, args.threads, args.memory_limit)
    for model, prof in found.items():
        print(f"{model}: {prof['seconds']:.2f} s wall, peak buffer "
              f"{(prof['peak_buffer_memory'] or 0) / 2**30:.2f} GiB, spilled "
              f"{(prof['bytes_spilled'] or 0) / 2**30:.2f} GiB")
        for op in prof["top_operators"]:  # type: ignore[union-attr]
            print(f"  {op['seconds']:8.2f} s  {op['operator']:<24} {op['rows']:>12,} rows")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
