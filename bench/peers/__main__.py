"""`python -m bench.peers {scipy,pandas,polars} --db FILE --result FILE.json`.

Runs one peer in this (fresh) process: load its input from the warehouse (read-only),
compute, then check the output against the warehouse table row for row. Writes the
timings and the verdict as JSON; exits 1 if the rows differ, so a wrong peer can never
be reported as a ratio.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections.abc import Sequence
from pathlib import Path

import duckdb
import pyarrow as pa

from bench.peers.compare import PeerMismatch, assert_same_rows
from bench.peers.features import KEYS as FEATURE_KEYS
from bench.peers.features import FeatureSpec, features_pandas, features_polars
from bench.peers.similarity import INPUT_SQL, KEYS, SCOPES_SQL, SimilarityParams, similarity
from bench.settings import DUCKDB_MEMORY_LIMIT, project_vars

PEERS = {
    # peer -> (warehouse model it imitates, its input model)
    "scipy": ("sim_tweet_tweet", "fct_engagements"),
    "pandas": ("feat_user_daily", "int_user_activity_daily"),
    "polars": ("feat_user_daily", "int_user_activity_daily"),
}


def _arrow(relation: duckdb.DuckDBPyRelation) -> pa.Table:
    result = relation.arrow()
    return result.read_all() if isinstance(result, pa.RecordBatchReader) else result


def relation_name(con: duckdb.DuckDBPyConnection, model: str) -> str:
    """schema.table of a model, wherever generate_schema_name put it."""
    rows = con.execute(
        "select table_schema from information_schema.tables where table_name = ?", [model]
    ).fetchall()
    if len(rows) != 1:
        raise LookupError(f"expected one table named {model}, found {len(rows)}")
    return f'"{rows[0][0]}"."{model}"'


def run_peer(peer: str, db: Path, threads: str, memory_limit: str) -> dict[str, object]:
    """Load, compute, compare; the timings (seconds) and row count of one peer run."""
    model, source = PEERS[peer]
    config = {"threads": threads, "memory_limit": memory_limit}
    with duckdb.connect(str(db), read_only=True, config=config) as con:
        start = time.perf_counter()
        if peer == "scipy":
            data = _arrow(con.sql(INPUT_SQL.format(engagements=relation_name(con, source))))
            arrays = {name: data.column(name).to_numpy() for name in data.column_names}
            scopes = [
                (str(s), int(t))
                for s, t in con.execute(
                    SCOPES_SQL.format(scopes=relation_name(con, "int_ml_scopes"))
                ).fetchall()
            ]
            values = project_vars()
            params = SimilarityParams(
                int(values["history_cap"]),
                int(values["min_cooccurrence"]),
                int(values["neighbours_k"]),
            )
        else:
            data = _arrow(con.sql(f"select * from {relation_name(con, source)}"))
            columns = [
                r[0] for r in con.execute(f"describe {relation_name(con, model)}").fetchall()
            ]
            spec = FeatureSpec.from_columns(columns)
        loaded = time.perf_counter()
        if peer == "scipy":
            output = similarity(arrays, scopes, params)
            keys = KEYS
        else:
            compute = features_pandas if peer == "pandas" else features_polars
            output = compute(data, spec)
            keys = FEATURE_KEYS
        computed = time.perf_counter()
        warehouse = _arrow(con.sql(f"select * from {relation_name(con, model)}"))
    verdict: dict[str, object] = {"peer": peer, "model": model, "input_rows": data.num_rows}
    try:
        verdict["rows"] = assert_same_rows(warehouse, output, keys)
        verdict["equal"] = True
    except PeerMismatch as exc:
        verdict.update(rows=output.num_rows, equal=False, mismatch=str(exc))
    verdict.update(load_seconds=loaded - start, compute_seconds=computed - loaded)
    return verdict


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.peers", description=__doc__)
    parser.add_argument("peer", choices=sorted(PEERS))
    parser.add_argument("--db", type=Path, required=True)
    parser.add_argument("--result", type=Path, required=True)
    parser.add_argument("--threads", default="2")
    parser.add_argument("--memory-limit", default=DUCKDB_MEMORY_LIMIT)
    args = parser.parse_args(argv)
    verdict = run_peer(args.peer, args.db, args.threads, args.memory_limit)
    args.result.parent.mkdir(parents=True, exist_ok=True)
    args.result.write_text(json.dumps(verdict, indent=2))
    print(json.dumps(verdict))
    return 0 if verdict["equal"] else 1


if __name__ == "__main__":
    sys.exit(main())
