"""Split a `dbt build` into dbt's own overhead and the time DuckDB spent in queries.

Two sources, both written by the build itself:
- target/run_results.json: per node, `execution_time` (what dbt spent on the node:
  compiling, the materialisation's bookkeeping queries, the query, renames) and the
  run's `elapsed_time` (the execution phase, after parsing).
- the JSON file log (`--log-format-file json --log-level-file debug`): every SQL
  statement's `SQLQueryStatus` event carries `elapsed` and the node it ran for, so
  query time per node is the sum of its statements' elapsed.
Node overhead = execution_time - query time. Startup (imports, parse, manifest, writing
artifacts) = the process's wall time - elapsed_time.
"""

from __future__ import annotations

import json
from collections import defaultdict
from dataclasses import asdict, dataclass
from pathlib import Path


@dataclass(frozen=True)
class NodeTiming:
    """One dbt node of one build."""

    unique_id: str
    resource_type: str
    status: str
    execution_seconds: float
    query_seconds: float

    @property
    def name(self) -> str:
        return self.unique_id.split(".")[2] if self.unique_id.count(".") >= 2 else self.unique_id


def query_seconds_by_node(log_dir: Path) -> dict[str, float]:
    """Sum of SQL statement durations per node unique_id, from every dbt.log* in `log_dir`."""
    totals: dict[str, float] = defaultdict(float)
    for path in sorted(log_dir.glob("dbt.log*")):
        with path.open(errors="replace") as handle:
            for line in handle:
                if '"SQLQueryStatus"' not in line:
                    continue
                try:
                    event = json.loads(line)
                except json.JSONDecodeError:
                    continue
                data = event.get("data", {})
                node = (data.get("node_info") or {}).get("unique_id") or "(no node)"
                totals[node] += float(data.get("elapsed") or 0.0)
    return dict(totals)


def read_build(target_dir: Path, log_dir: Path, wall_seconds: float) -> dict[str, object]:
    """A JSON-ready summary of one build: totals by kind and every node's timing."""
    results = json.loads((target_dir / "run_results.json").read_text())
    queries = query_seconds_by_node(log_dir)
    nodes = [
        NodeTiming(
            unique_id=r["unique_id"],
            resource_type=r["unique_id"].split(".")[0],
            status=str(r.get("status")),
            execution_seconds=float(r.get("execution_time") or 0.0),
            query_seconds=queries.get(r["unique_id"], 0.0),
        )
        for r in results["results"]
    ]
    elapsed = float(results.get("elapsed_time") or 0.0)
    by_kind: dict[str, dict[str, float]] = defaultdict(
        lambda: {"count": 0, "execution_seconds": 0.0, "query_seconds": 0.0}
    )
    for node in nodes:
        kind = by_kind[node.resource_type]
        kind["count"] += 1
        kind["execution_seconds"] += node.execution_seconds
        kind["query_seconds"] += node.query_seconds
    return {
        "wall_seconds": wall_seconds,
        "elapsed_seconds": elapsed,
        "startup_parse_seconds": max(wall_seconds - elapsed, 0.0),
        "unattributed_query_seconds": queries.get("(no node)", 0.0),
        "by_kind": dict(by_kind),
        "nodes": [asdict(n) | {"name": n.name} for n in nodes],
        "failed": [n.unique_id for n in nodes if n.status in ("error", "fail")],
        "skipped": [n.unique_id for n in nodes if n.status == "skipped"],
        "errors": {
            r["unique_id"]: str(r.get("message") or "")[:400]
            for r in results["results"]
            if str(r.get("status")) in ("error", "fail")
        },
    }
