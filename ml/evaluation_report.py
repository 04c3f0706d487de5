"""The ranking evaluation as tables people read: every ranker with its intervals, the
candidate recall per source, and where the model stands against its targets.

One formatter for the CLI (from an EvaluationResult), `make run`'s summary and the Dagster
asset (both from ml.ranking_evaluations), so all three say the same thing.
"""

from __future__ import annotations

from dataclasses import dataclass

import duckdb

from ml.bootstrap import Interval

# Issue 14's targets on the default sample (README, "Recommendations").
RECALL_TARGET = (200, 0.40)
NDCG_TARGETS = (("global_popularity", 3.0), ("item_knn", 1.5))
METRIC_LABELS = {
    "precision_at_k": "precision",
    "recall_at_k": "recall",
    "ndcg_at_k": "ndcg",
    "map_at_k": "map",
}
CANDIDATES = "candidates:"


@dataclass(frozen=True)
class Row:
    ranker: str
    metric: str
    k: int
    interval: Interval


def load_rows(con: duckdb.DuckDBPyConnection, model_version: int) -> list[Row]:
    return [
        Row(ranker, metric, int(k), Interval(value, low, high))
        for ranker, metric, k, value, low, high in con.execute(
            """
            select ranker, metric, k, value, ci_low, ci_high from ml.ranking_evaluations
            where model_version = ? order by ranker, metric, k
            """,
            [model_version],
        ).fetchall()
    ]


def result_rows(result) -> list[Row]:
    """Rows of an ml.evaluate.EvaluationResult, as load_rows would read them back."""
    rows = [
        Row(ranker, metric, result.k, interval)
        for ranker, metrics in result.rankers.items()
        for metric, interval in metrics.items()
    ]
    rows += [
        Row(f"{CANDIDATES}{source}", "candidate_recall", n, interval)
        for source, by_n in result.candidate_recall_at.items()
        for n, interval in by_n.items()
    ]
    return rows


def _cell(interval: Interval) -> str:
    return f"{interval.value:.4f} [{interval.low:.4f}, {interval.high:.4f}]"


def comparison_table(rows: list[Row]) -> list[list[str]]:
    """Header + one line per ranker (best NDCG first): each metric with its interval."""
    rankers = [r for r in rows if not r.ranker.startswith(CANDIDATES)]
    if not rankers:
        return []
    k = rankers[0].k
    metrics = [m for m in METRIC_LABELS if any(r.metric == m for r in rankers)]
    by_ranker: dict[str, dict[str, Interval]] = {}
    for row in rankers:
        by_ranker.setdefault(row.ranker, {})[row.metric] = row.interval
    order = sorted(by_ranker, key=lambda r: -by_ranker[r].get("ndcg_at_k", Interval(0, 0, 0)).value)
    header = ["ranker", *(f"{METRIC_LABELS[m]}@{k} [95% CI]" for m in metrics)]
    return [header] + [[r, *(_cell(by_ranker[r][m]) for m in metrics)] for r in order]


def recall_table(rows: list[Row]) -> list[list[str]]:
    """Header + one line per retrieval source (combined last): candidate recall@N."""
    recalls = [r for r in rows if r.ranker.startswith(CANDIDATES)]
    if not recalls:
        return []
    ns = sorted({r.k for r in recalls})
    by_source: dict[str, dict[int, Interval]] = {}
    for row in recalls:
        by_source.setdefault(row.ranker.removeprefix(CANDIDATES), {})[row.k] = row.interval
    order = sorted(by_source, key=lambda s: (s == "combined", s))
    header = ["source", *(f"recall@{n} [95% CI]" for n in ns)]
    return [header] + [
        [s, *(_cell(by_source[s][n]) if n in by_source[s] else "" for n in ns)] for s in order
    ]


def target_lines(rows: list[Row]) -> list[str]:
    """One line per target: the figure, the target, met or missed."""
    lines: list[str] = []
    n, floor = RECALL_TARGET
    combined = [r for r in rows if r.ranker == f"{CANDIDATES}combined" and r.k == n]
    if combined:
        value = combined[0].interval.value
        verdict = "met" if value >= floor else f"missed by {floor - value:.4f}"
        lines.append(
            f"combined candidate recall@{n} {value:.4f} (target >= {floor:.2f}): {verdict}"
        )
    ndcg = {r.ranker: r for r in rows if r.metric == "ndcg_at_k"}
    model = ndcg.get("model")
    for ranker, factor in NDCG_TARGETS:
        other = ndcg.get(ranker)
        if model is None or other is None:
            continue
        base = other.interval.value
        ratio = model.interval.value / base if base else float("inf")
        apart = not model.interval.overlaps(other.interval)
        verdict = "met" if ratio >= factor and apart else "missed"
        lines.append(
            f"model ndcg@{model.k} = {ratio:.1f}x {ranker} (target >= {factor:g}x), "
            f"95% intervals {'apart' if apart else 'overlap'}: {verdict}"
        )
    return lines


def plain(table: list[list[str]], indent: str = "  ") -> list[str]:
    if not table:
        return []
    width = [max(len(line[i]) for line in table) for i in range(len(table[0]))]
    return [
        (indent + "  ".join(v.ljust(w) for v, w in zip(line, width, strict=True))).rstrip()
        for line in table
    ]


def markdown(table: list[list[str]]) -> str:
    if not table:
        return ""
    lines = ["| " + " | ".join(table[0]) + " |", "|" + "---|" * len(table[0])]
    lines += ["| " + " | ".join(line) + " |" for line in table[1:]]
    return "\n".join(lines)


def report_lines(rows: list[Row]) -> list[str]:
    """The three blocks as plain text (CLI, make run)."""
    lines: list[str] = []
    if comparison := comparison_table(rows):
        lines += ["Ranking evaluation on the held-out window (every ranker on the same users):"]
        lines += plain(comparison)
    if recall := recall_table(rows):
        lines += ["Candidate recall (share of relevant tweets retrieval offered):"]
        lines += plain(recall)
    if targets := target_lines(rows):
        lines += ["Targets:"] + [f"  {line}" for line in targets]
    return lines
