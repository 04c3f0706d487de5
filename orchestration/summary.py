"""What `make run` prints at the end: what the warehouse and the ml steps built.

Reads the warehouse read-only and reports only what exists, so it works after
any subset of the pipeline has run."""

from __future__ import annotations

import argparse
from pathlib import Path

import duckdb

from ml.evaluation_report import load_rows, report_lines
from orchestration.project import serving_dir, warehouse_path
from serving.publish import current_manifest

LAYERS = ("raw", "staging", "intermediate", "marts", "ml")
# The registry's rule for "current": the newest version that passed its quality gate.
CURRENT_VERSION = (
    "(select max(model_version) from ml.model_registry where passed_quality_gate)"
)


def _tables(con: duckdb.DuckDBPyConnection) -> dict[str, list[str]]:
    rows = con.execute(
        "select table_schema, table_name from information_schema.tables"
        " order by table_schema, table_name"
    ).fetchall()
    found: dict[str, list[str]] = {}
    for schema, table in rows:
        found.setdefault(schema, []).append(table)
    return found


def _count(con: duckdb.DuckDBPyConnection, relation: str) -> int:
    return int(con.execute(f"select count(*) from {relation}").fetchone()[0])


def _layer_lines(con: duckdb.DuckDBPyConnection, tables: dict[str, list[str]]) -> list[str]:
    lines = ["Warehouse layers (relations, rows):"]
    for layer in LAYERS:
        names = tables.get(layer, [])
        if names:
            total = sum(_count(con, f'{layer}."{name}"') for name in names)
            lines.append(f"  {layer:<13} {len(names):>3} relations {total:>12,} rows")
    return lines


def _optional(con: duckdb.DuckDBPyConnection, title: str, sql: str) -> list[str]:
    """One titled block from `sql`, or nothing when its tables do not exist yet."""
    try:
        cursor = con.execute(sql)
    except duckdb.CatalogException:
        return []
    columns = [d[0] for d in cursor.description]
    rows = cursor.fetchall()
    if not rows:
        return []
    cells = [columns, *([_fmt(v) for v in row] for row in rows)]
    width = [max(len(str(line[i])) for line in cells) for i in range(len(columns))]
    return [title] + [
        ("  " + "  ".join(str(v).ljust(w) for v, w in zip(line, width, strict=True))).rstrip()
        for line in cells
    ]


def _ranking(con: duckdb.DuckDBPyConnection) -> list[str]:
    """The current model against every simple ranker, with intervals (ml.evaluation_report)."""
    try:
        version = con.execute(CURRENT_VERSION.strip("()")).fetchone()[0]
        rows = load_rows(con, version) if version is not None else []
    except duckdb.CatalogException:
        return []
    return report_lines(rows)


def _fmt(value: object) -> str:
    if isinstance(value, float):
        return f"{value:.4f}"
    return str(value)


def summarize(db_path: Path) -> str:
    if not db_path.exists():
        return f"No warehouse at {db_path}: run `make run` first."
    con = duckdb.connect(str(db_path), read_only=True)
    try:
        tables = _tables(con)
        blocks = [
            [f"Warehouse: {db_path}"],
            _layer_lines(con, tables),
            _optional(
                con,
                "Your data (span, id and timestamp encodings; all: marts.rpt_data_quality):",
                "select subject, finding from marts.rpt_data_quality"
                " where section in ('span', 'id_format', 'timestamp_format')"
                " order by section <> 'span', section, subject",
            ),
            _optional(
                con,
                "Raw rows set aside by staging (duplicates and quarantine reasons):",
                "select source_table, disposition, reason, row_count"
                " from intermediate.int_quarantine_summary"
                " order by source_table, disposition, row_count desc, reason",
            ),
            _optional(
                con,
                "Training rows (point-in-time, split by time; logged impressions and"
                " retrieval's candidates at earlier as-of times):",
                "select split, source, count(*) as rows, round(avg(label), 4) as positive_rate"
                " from (select split, 'logged' as source, label from marts.feat_training_set"
                " union all select split, 'candidates', label"
                " from marts.feat_candidate_training_set)"
                " group by split, source"
                " order by case split when 'train' then 0 when 'validation' then 1 else 2 end,"
                " source desc",
            ),
            _optional(
                con,
                "Time windows (derived unless set; intermediate.int_ml_time_windows):",
                "select 'validation' as window, validation_start_at as starts,"
                " validation_units || ' ' || window_unit || 's' as length,"
                " validation_window_rule as rule from intermediate.int_ml_time_windows"
                " union all select 'test', test_start_at, test_units || ' ' || window_unit || 's',"
                " test_window_rule from intermediate.int_ml_time_windows"
                " union all select 'label horizon (unlabelled)', label_cutoff_at,"
                " label_horizon_hours || ' hours', label_horizon_rule"
                " from intermediate.int_ml_time_windows order by starts",
            ),
            _optional(
                con,
                "Similarity (serving scope):",
                "select count(*) as tweet_pairs, count(distinct tweet_id) as tweets,"
                " round(avg(cosine), 4) as mean_cosine from marts.sim_tweet_tweet"
                " where scope = 'serving'",
            ),
            _optional(
                con,
                "Current model:",
                "select model_version, model_kind, passed_quality_gate,"
                " round(val_roc_auc, 4) as val_roc_auc,"
                " round(baseline_roc_auc, 4) as baseline_roc_auc,"
                " round(val_log_loss, 4) as val_log_loss,"
                " round(baseline_log_loss, 4) as baseline_log_loss"
                f" from ml.model_registry where model_version = {CURRENT_VERSION}",
            ),
            _optional(
                con,
                "Validation by row source (the blend above mixes two positive rates;"
                " the baseline is fitted per source):",
                "select e.key as source, cast(json_extract(e.value, '$.rows') as bigint) as rows,"
                " round(cast(json_extract(e.value, '$.model.roc_auc') as double), 4)"
                " as val_roc_auc,"
                " round(cast(json_extract(e.value, '$.baseline.roc_auc') as double), 4)"
                " as baseline_roc_auc,"
                " round(cast(json_extract(e.value, '$.model.log_loss') as double), 4)"
                " as val_log_loss,"
                " round(cast(json_extract(e.value, '$.baseline.log_loss') as double), 4)"
                " as baseline_log_loss"
                " from ml.model_registry as r,"
                " json_each(r.metrics_json, '$.validation_by_source') as e"
                f" where r.model_version = {CURRENT_VERSION} order by source desc",
            ),
            _ranking(con),
            _optional(
                con,
                "Monitoring (PSI of every feature, training window vs latest window):",
                "select count(*) filter (where status = 'ok') as ok,"
                " count(*) filter (where status = 'warn') as warn,"
                " count(*) filter (where status = 'alert') as alert,"
                " count(*) filter (where status = 'not_monitored') as not_monitored,"
                " (select needs_retraining from marts.rpt_retraining_signal) as needs_retraining"
                " from marts.rpt_feature_drift",
            ),
            _optional(
                con,
                "Top recommendations for three users:",
                "select r.user_id, r.rank, r.tweet_id, round(r.score, 4) as score,"
                " c.candidate_sources as sources from ml.recommendations as r"
                " left join marts.feat_scoring_candidates as c on c.scope = r.scope"
                " and c.user_id = r.user_id and c.tweet_id = r.tweet_id"
                f" where r.scope = 'serving' and r.model_version = {CURRENT_VERSION}"
                " and r.user_id in (select distinct user_id from ml.recommendations"
                " where scope = 'serving' order by user_id limit 3)"
                " and r.rank <= 3 order by r.user_id, r.rank",
            ),
        ]
    finally:
        con.close()
    blocks.append(_serving_lines(serving_dir()))
    return "\n".join("\n".join(b) + "\n" for b in blocks if b)


def _serving_lines(folder: Path) -> list[str]:
    """The published serving snapshot, if any, and how to serve it."""
    manifest = current_manifest(folder)
    if manifest is None:
        return []
    rows = manifest["rows"]
    return [
        "Serving snapshot (make serve serves it on http://127.0.0.1:8000, docs at /docs):",
        f"  {manifest['snapshot_id']}: model version {manifest['model_version']},"
        f" as of {manifest['as_of_at']}; {rows['user']:,} users, {rows['tweet']:,} live tweets,"
        f" {rows['recommendations']:,} ranked candidates",
    ]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Summarise what the pipeline built.")
    parser.add_argument("--db", type=Path, default=None, help="DuckDB file (default: SOCIAL_ML_DB)")
    args = parser.parse_args(argv)
    print(summarize(args.db or warehouse_path()))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
