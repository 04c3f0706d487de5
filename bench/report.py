"""Turn the runs in <out>/runs/*.json into REPORT.md and a PNG plot.

Every figure is the median of the repeats at one size with (min-max) beside it; every
ratio is computed inside one run (warehouse and peer on the same data, same machine
state) and only when the peer's rows equal the warehouse's. Targets come from the
issue; each is marked met or missed with the margin, and growth is stated as the
exponent k in time ~ events^k between the smallest and largest size.
"""

from __future__ import annotations

import json
import time
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from itertools import pairwise
from pathlib import Path

from bench.stats import Spread, exponent
from bench.stream import stream_section

GIB = 1024**3
SIMILARITY_MODELS = ("int_sim_user_tweet_history", "int_sim_tweet_pairs", "sim_tweet_tweet")
FEATURE_MODEL = "feat_user_daily"
PIT_MODELS = ("int_pit_activity_counts", "int_point_in_time_features")
PIPELINE = ("dbt_build", "train", "score")
STAGES = ("generate", "dbt_build", "train", "score", "evaluate")
TARGET_EVENTS = 10_000_000
# The hand-written DuckDB references (2-core machine, 10M events), in seconds.
HAND_WRITTEN = {"similarity": 4.8, "features": 3.8, "point_in_time": 1.3}


@dataclass(frozen=True)
class Target:
    """One line of the targets table."""

    name: str
    goal: str
    measured: str
    met: bool | None
    note: str


def load_runs(out_dir: Path) -> list[dict[str, object]]:
    """Every finished run record under <out>/runs, oldest first."""
    runs = [json.loads(p.read_text()) for p in sorted((out_dir / "runs").glob("*.json"))]
    return sorted(runs, key=lambda r: (r["events"], r["repeat"]))


def _by_size(runs: list[dict]) -> dict[int, list[dict]]:
    grouped: dict[int, list[dict]] = defaultdict(list)
    for run in runs:
        grouped[int(run["events"])].append(run)
    return dict(sorted(grouped.items()))


def _node(run: dict, name: str, field: str = "execution_seconds") -> float | None:
    for node in (run.get("dbt") or {}).get("nodes", []):
        if node["resource_type"] == "model" and node["name"] == name:
            # A node that errored or was skipped has no comparable time.
            return None if node.get("status") in ("error", "skipped") else float(node[field])
    return None


def _similarity_seconds(run: dict) -> float | None:
    parts = [_node(run, m) for m in SIMILARITY_MODELS]
    return None if any(p is None for p in parts) else sum(parts)  # type: ignore[arg-type]


def _stage(run: dict, stage: str, field: str = "seconds") -> float | None:
    value = (run.get("stages") or {}).get(stage, {}).get(field)
    return None if value is None else float(value)


def _pipeline_seconds(run: dict) -> float | None:
    parts = [_stage(run, s) for s in PIPELINE]
    return None if any(p is None for p in parts) else sum(parts)  # type: ignore[arg-type]


def _peer(run: dict, peer: str) -> dict | None:
    verdict = (run.get("peers") or {}).get(peer)
    return verdict if verdict and verdict.get("equal") else None


def _ratio(run: dict, peer: str, warehouse: Callable[[dict], float | None]) -> float | None:
    verdict, mine = _peer(run, peer), warehouse(run)
    if verdict is None or mine is None or not verdict.get("compute_seconds"):
        return None
    return mine / float(verdict["compute_seconds"])


def _spread(runs: Iterable[dict], value: Callable[[dict], float | None]) -> Spread | None:
    return Spread.of(v for v in (value(r) for r in runs) if v is not None)


def _s(spread: Spread | None, digits: int = 1, unit: str = "") -> str:
    if spread is None:
        return "n/a"
    text = f"{spread.median:.{digits}f}{unit}"
    if spread.n > 1:
        text += f" ({spread.low:.{digits}f}-{spread.high:.{digits}f})"
    return text


def _gib(spread: Spread | None) -> str:
    if spread is None:
        return "n/a"
    scaled = Spread(spread.median / GIB, spread.low / GIB, spread.high / GIB, spread.n)
    return _s(scaled, 2)


def _label(events: int, runs: list[dict]) -> str:
    return str(runs[0].get("label") or events)


def _table(header: list[str], rows: list[list[str]]) -> list[str]:
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(row) + " |" for row in rows]
    return lines


def _growth(sizes: dict[int, list[dict]], value: Callable[[dict], float | None]) -> float | None:
    """Exponent between the smallest and the largest size, on medians."""
    points = [(n, _spread(runs, value)) for n, runs in sizes.items()]
    points = [(n, s.median) for n, s in points if s is not None]
    if len(points) < 2:
        return None
    (n_a, v_a), (n_b, v_b) = points[0], points[-1]
    return exponent(n_a, v_a, n_b, v_b)


def _step_growth(
    sizes: dict[int, list[dict]], value: Callable[[dict], float | None]
) -> list[float | None]:
    """Exponent between each pair of neighbouring sizes, on medians."""
    medians = [(n, _spread(runs, value)) for n, runs in sizes.items()]
    return [
        None if a is None or b is None else exponent(n_a, a.median, n_b, b.median)
        for (n_a, a), (n_b, b) in pairwise(medians)
    ]


def _k(value: float | None) -> str:
    return "n/a" if value is None else f"{value:.2f}"


def _ceiling(name: str, spread: Spread | None, limit: float, unit: str, note: str = "") -> Target:
    if spread is None:
        return Target(name, f"< {limit:g}{unit}", "not measured", None, note)
    met = spread.median < limit
    margin = (
        "" if met else f"; over by {spread.median - limit:.1f}{unit} ({spread.median / limit:.2f}x)"
    )
    return Target(name, f"< {limit:g}{unit}", _s(spread, 1, unit), met, note + margin)


def build_targets(sizes: dict[int, list[dict]]) -> list[Target]:
    """The issue's targets, evaluated at 10M events (or marked as not measured there)."""
    largest = max(sizes) if sizes else 0
    at = sizes.get(TARGET_EVENTS)
    where = "at 10M" if at else f"10M not run; shown at the largest size ({largest:,} events)"
    runs = at or sizes.get(largest, [])
    targets = []
    sim = _spread(runs, lambda r: _ratio(r, "scipy", _similarity_seconds))
    feat = _spread(runs, lambda r: _ratio(r, "polars", lambda x: _node(x, FEATURE_MODEL)))
    for name, spread, goal in (
        ("similarity models / scipy.sparse", sim, 0.65),
        ("feat_user_daily / polars", feat, 1.0),
    ):
        if spread is None:
            targets.append(Target(name, f"<= {goal}x", "not measured", None, where))
            continue
        met = spread.median <= goal
        note = where if met else f"{where}; {spread.median / goal:.2f}x the allowed time"
        targets.append(Target(name, f"<= {goal}x", _s(spread, 2, "x"), met, note))
    failed = sorted(
        {n.split(".")[-1] for r in runs for n in (r.get("dbt") or {}).get("failed", [])}
    )
    build_note = where
    if failed:
        build_note += (
            f"; the build FAILED at {', '.join(failed)} (see Failures): the time covers the"
            " nodes that ran, the skipped ones would add to it"
        )
    build = _spread(runs, lambda r: _stage(r, "dbt_build"))
    targets.append(_ceiling("dbt build (whole project)", build, 60, " s", build_note))
    pipeline = _spread(runs, _pipeline_seconds)
    targets.append(
        _ceiling(
            "raw Parquet -> recommendations (build+train+score)", pipeline, 180, " s", build_note
        )
    )
    targets.append(
        _ceiling(
            "generate events (Parquet)",
            _spread(runs, lambda r: _stage(r, "generate")),
            15,
            " s",
            where,
        )
    )
    for stage in STAGES:
        peak = _spread(runs, lambda r, s=stage: _stage(r, s, "peak_rss_bytes"))
        if peak is None:
            continue
        met = peak.high <= 4 * GIB
        note = where if met else f"{where}; over by {(peak.high - 4 * GIB) / GIB:.2f} GiB"
        targets.append(Target(f"peak RSS of {stage}", "<= 4 GiB", _gib(peak) + " GiB", met, note))
    for stage in STAGES:
        k = _growth(sizes, lambda r, s=stage: _stage(r, s))
        met = None if k is None else k <= 1.2
        targets.append(
            Target(
                f"growth of {stage}",
                "k ~ 1 (<= 1.2)",
                _k(k),
                met,
                "time ~ events^k, smallest to largest size",
            )
        )
    return targets


def _overhead(run: dict, resource_type: str) -> float | None:
    """dbt's own time on nodes of one type: execution - query, over the nodes that ran
    (an errored node logs no query time, so its failed query would count as overhead)."""
    nodes = [
        n
        for n in (run.get("dbt") or {}).get("nodes", [])
        if n["resource_type"] == resource_type and n.get("status") not in ("error", "skipped")
    ]
    if not nodes:
        return None
    return sum(float(n["execution_seconds"]) - float(n["query_seconds"]) for n in nodes)


def _dbt_rows(sizes: dict[int, list[dict]]) -> list[list[str]]:
    def kind(run: dict, name: str, field: str) -> float | None:
        by_kind = (run.get("dbt") or {}).get("by_kind") or {}
        value = (by_kind.get(name) or {}).get(field)
        return None if value is None else float(value)

    rows = []
    for events, runs in sizes.items():

        def d(f: str, runs: list[dict] = runs) -> Spread | None:
            return _spread(runs, lambda r: (r.get("dbt") or {}).get(f))

        model_exec = _spread(runs, lambda r: kind(r, "model", "execution_seconds"))
        model_query = _spread(runs, lambda r: kind(r, "model", "query_seconds"))
        model_over = _spread(runs, lambda r: _overhead(r, "model"))
        test_exec = _spread(runs, lambda r: kind(r, "test", "execution_seconds"))
        test_over = _spread(runs, lambda r: _overhead(r, "test"))
        seed = _spread(runs, lambda r: kind(r, "seed", "execution_seconds"))
        rows.append([
            _label(events, runs), _s(d("wall_seconds")), _s(d("startup_parse_seconds")),
            _s(d("elapsed_seconds")), _s(model_exec), _s(model_query), _s(model_over),
            _s(test_exec), _s(test_over), _s(seed),
        ])  # fmt: skip
    return rows


def _model_rows(sizes: dict[int, list[dict]], top: int = 15) -> tuple[list[str], list[list[str]]]:
    largest = sizes[max(sizes)]
    names = {
        n["name"]
        for r in largest
        for n in (r.get("dbt") or {}).get("nodes", [])
        if n["resource_type"] == "model"
    }
    ranked = sorted(
        names,
        key=lambda m: -(_spread(largest, lambda r, m=m: _node(r, m)) or Spread(0, 0, 0, 0)).median,
    )
    chosen = ranked[:top] + [
        m
        for m in (*SIMILARITY_MODELS, FEATURE_MODEL, *PIT_MODELS)
        if m in names and m not in ranked[:top]
    ]
    header = ["model"] + [f"{_label(e, r)}: total, q = query" for e, r in sizes.items()] + ["k"]
    rows = []
    for model in chosen:
        row = [model]
        for runs in sizes.values():
            total = _spread(runs, lambda r, m=model: _node(r, m))
            query = _spread(runs, lambda r, m=model: _node(r, m, "query_seconds"))
            row.append(
                "n/a" if total is None or query is None else f"{_s(total)}, q {query.median:.1f}"
            )
        row.append(_k(_growth(sizes, lambda r, m=model: _node(r, m))))
        rows.append(row)
    return header, rows


PEER_MODELS = {"scipy": SIMILARITY_MODELS, "polars": (FEATURE_MODEL,), "pandas": (FEATURE_MODEL,)}


def _alone_seconds(profile: dict[str, dict], peer: str) -> float | None:
    """The peer's model(s) re-run alone (the EXPLAIN ANALYZE pass), no other model beside."""
    parts = [profile.get(m, {}).get("seconds") for m in PEER_MODELS[peer]]
    return None if any(p is None for p in parts) else float(sum(parts))  # type: ignore[arg-type]


def _peer_rows(
    sizes: dict[int, list[dict]], profiles: dict[str, dict] | None = None
) -> list[list[str]]:
    rows = []
    comparisons = (
        ("similarity", "scipy", _similarity_seconds),
        ("feat_user_daily", "polars", lambda r: _node(r, FEATURE_MODEL)),
        ("feat_user_daily", "pandas", lambda r: _node(r, FEATURE_MODEL)),
    )
    for events, runs in sizes.items():
        profile = (profiles or {}).get(_label(events, runs)) or {}
        for what, peer, mine in comparisons:
            verdicts = [(r.get("peers") or {}).get(peer) for r in runs]
            if not any(verdicts):
                continue
            equal = [v for v in verdicts if v and v.get("equal")]
            bad = [v for v in verdicts if v and not v.get("equal")]
            check = (
                f"equal in {len(equal)}/{len(runs)} runs ({equal[0]['rows']:,} rows)"
                if equal
                else "never equal"
            )
            if bad:
                check += f"; MISMATCH: {bad[0].get('mismatch')}"
            peer_seconds = Spread.of(float(v["compute_seconds"]) for v in equal)
            ratio = _spread(runs, lambda r, p=peer, m=mine: _ratio(r, p, m))
            peak = _spread(runs, lambda r, p=peer: _stage(r, f"peer_{p}", "peak_rss_bytes"))
            rows.append([
                _label(events, runs), what, peer, _s(_spread(runs, mine)), _s(peer_seconds),
                _s(ratio, 2, "x"), _gib(peak), check,
            ])  # fmt: skip
            alone = _alone_seconds(profile, peer)
            if alone is not None and peer_seconds is not None:
                rows.append([
                    _label(events, runs), what + " (model re-run alone)", peer, f"{alone:.1f}",
                    _s(peer_seconds), f"{alone / peer_seconds.median:.2f}x", "", "same rows",
                ])  # fmt: skip
    return rows


def _failure_lines(sizes: dict[int, list[dict]]) -> list[str]:
    """Every stage that exited non-zero and every dbt node that errored, per run."""
    lines = []
    for events, runs in sizes.items():
        for run in runs:
            where = f"{_label(events, runs)} run {run['repeat']}"
            for stage, result in run["stages"].items():
                judged = stage.removeprefix("peer_") in (run.get("peers") or {})
                if result.get("returncode") and not judged:
                    last = [ln for ln in str(result.get("log_tail", "")).splitlines() if ln.strip()]
                    hint = f": `{last[-1].strip()[:160]}`" if last else ""
                    lines.append(f"- {where}: stage {stage} exited {result['returncode']}{hint}")
            dbt = run.get("dbt") or {}
            for node, message in (dbt.get("errors") or {}).items():
                text = " ".join(message.split())[:300]
                skipped = len(dbt.get("skipped") or [])
                lines.append(f"- {where}: dbt node {node} failed ({skipped} nodes skipped): {text}")
    if not lines:
        return []
    return ["## Failures", "", *lines, ""]


def _profile_lines(profiles: dict[str, dict], label: str) -> list[str]:
    lines = [f"### EXPLAIN ANALYZE at {label} (top operators by time)", ""]
    for model, prof in profiles.items():
        ops = ", ".join(
            f"{op['operator']} {op['seconds']:.2f} s ({op['rows']:,} rows)"
            for op in prof["top_operators"][:4]
        )
        peak = prof.get("peak_buffer_memory")
        peak_text = f", peak buffer {peak / GIB:.2f} GiB" if peak else ""
        spill = prof.get("bytes_spilled")
        spill_text = f", spilled {spill / GIB:.2f} GiB" if spill else ""
        lines.append(f"- **{model}**: {prof['seconds']:.1f} s wall{peak_text}{spill_text}. {ops}.")
    return [*lines, ""]


def plot(sizes: dict[int, list[dict]], path: Path) -> bool:
    """Time and peak RSS against events, one line per stage; False if matplotlib is absent."""
    try:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        return False
    stages = [*STAGES, "peer_scipy", "peer_polars", "peer_pandas"]
    fig, (ax_t, ax_m) = plt.subplots(1, 2, figsize=(12, 4.8))
    for stage in stages:
        xs, med, lo, hi, mem = [], [], [], [], []
        for events, runs in sizes.items():
            t = _spread(runs, lambda r, s=stage: _stage(r, s))
            m = _spread(runs, lambda r, s=stage: _stage(r, s, "peak_rss_bytes"))
            if t is None or m is None:
                continue
            xs.append(events)
            med.append(t.median)
            lo.append(t.median - t.low)
            hi.append(t.high - t.median)
            mem.append(m.median / GIB)
        if not xs:
            continue
        ax_t.errorbar(xs, med, yerr=[lo, hi], marker="o", capsize=3, label=stage)
        ax_m.plot(xs, mem, marker="o", label=stage)
    for ax, title, unit in (
        (ax_t, "wall time per stage", "seconds"),
        (ax_m, "peak RSS per stage", "GiB"),
    ):
        ax.set_xscale("log")
        ax.set_xlabel("events (datagen --events)")
        ax.set_ylabel(unit)
        ax.set_title(title)
        ax.grid(True, which="both", alpha=0.3)
    ax_t.set_yscale("log")
    ax_m.set_ylim(bottom=0)
    ax_m.axhline(4, color="red", linestyle="--", linewidth=1, label="4 GiB budget")
    ax_t.legend(fontsize=7)
    ax_m.legend(fontsize=7)
    fig.suptitle("social-ml bench: median of repeats (bars: min-max)")
    fig.tight_layout()
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path, dpi=110)
    plt.close(fig)
    return True


def write_report(
    runs: list[dict],
    machine: dict,
    report_path: Path,
    plot_path: Path,
    profiles: dict[str, object] | None = None,
    commentary: Path | None = None,
    runs_dir: str = "bench/out/runs",
) -> Path:
    """Write the Markdown report (and the plot beside it); return the report's path."""
    sizes = _by_size(runs)
    # The machine and versions the runs measured on, not those of whoever rewrites the report.
    machine = next((r["machine"] for r in reversed(runs) if r.get("machine")), machine)
    lines = ["# Benchmark report", ""]
    lines += [
        f"Generated {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())} by `python -m bench`"
        f" from the runs in {runs_dir}. Each figure is the median of the repeats with"
        " (min-max) beside it; sizes are datagen's `--events` (clean human events; raw rows"
        " include bots and injected dirt).",
        "",
        "## Machine and versions",
        "",
        f"- {machine.get('cores')} cores ({machine.get('cpu')}), "
        f"{(machine.get('memory_bytes') or 0) / GIB:.1f} GiB RAM, {machine.get('platform')}",
        f"- Python {machine.get('python')}; "
        + ", ".join(f"{k} {v}" for k, v in (machine.get("versions") or {}).items()),
    ]
    commits = {(r.get("machine") or {}).get("commit") for r in runs} - {None}
    if len(commits) > 1:
        lines.append(
            "- **the runs measured different commits** (the project changed between"
            " invocations), so ratios within a size hold but growth across sizes mixes versions"
        )
    elif not commits:
        lines.append(f"- commit {machine.get('commit') or 'unknown'}")
    if runs:
        duck = runs[0].get("duckdb") or {}
        loads = [
            r.get("load_average_start", [None])[0] for r in runs if r.get("load_average_start")
        ]
        lines.append(
            f"- DuckDB from the profile: threads={duck.get('threads')},"
            f" memory_limit={duck.get('memory_limit')}"
            " (SOCIAL_ML_DUCKDB_THREADS / SOCIAL_ML_DUCKDB_MEMORY_LIMIT)"
        )
        if loads:
            lines.append(
                f"- 1-minute load average when runs started: {min(loads):.1f}-{max(loads):.1f}"
                " (above the core count means other work shared the machine)"
            )
    lines += ["", "## What ran", ""]
    for events, group in sizes.items():
        raw = group[0].get("raw_rows") or {}
        commit = (group[0].get("machine") or {}).get("commit") or "unknown commit"
        lines.append(
            f"- {_label(events, group)}: {len(group)} run(s) from {group[0].get('started_at')},"
            f" commit {commit}; {group[0]['users']:,} users,"
            f" {group[0]['tweets']:,} tweets,"
            f" {raw.get('raw_events', 0):,} raw event rows"
        )
    lines += ["", *_failure_lines(sizes), "## Targets", ""]
    rows = [
        [t.name, t.goal, t.measured, {True: "met", False: "MISSED", None: "n/a"}[t.met], t.note]
        for t in build_targets(sizes)
    ]
    lines += _table(["target", "goal", "measured", "verdict", "note"], rows)
    lines += ["", "## Stages: wall time in seconds", ""]
    labels = [_label(e, r) for e, r in sizes.items()]
    steps = [f"k {a}->{b}" for a, b in pairwise(labels)]
    header = ["stage", *labels, "k", *(steps if len(steps) > 1 else [])]
    stage_rows = []
    values: list[tuple[str, Callable[[dict], float | None]]] = [
        (stage, lambda x, s=stage: _stage(x, s))
        for stage in (*STAGES, "peer_scipy", "peer_polars", "peer_pandas")
        if any(stage in r["stages"] for r in runs)
    ]
    values.append(("raw -> recommendations", _pipeline_seconds))
    for name, value in values:
        row = [name] + [_s(_spread(r, value)) for r in sizes.values()]
        row.append(_k(_growth(sizes, value)))
        if len(steps) > 1:
            row += [_k(k) for k in _step_growth(sizes, value)]
        stage_rows.append(row)
    lines += _table(header, stage_rows)
    lines += [
        "",
        "k: exponent in time ~ events^k between the smallest and the largest size (1 = linear);"
        " the step columns give it between neighbouring sizes.",
        "",
    ]
    lines += ["## Stages: peak RSS in GiB (the stage's process and its children)", ""]
    mem_rows = [
        [stage]
        + [
            _gib(_spread(r, lambda x, s=stage: _stage(x, s, "peak_rss_bytes")))
            for r in sizes.values()
        ]
        for stage in (*STAGES, "peer_scipy", "peer_polars", "peer_pandas")
        if any(stage in r["stages"] for r in runs)
    ]
    lines += _table(["stage"] + [_label(e, r) for e, r in sizes.items()], mem_rows)
    lines += [
        "",
        "## Peers: same data, same run, rows checked equal (values within 1e-9) before any ratio",
        "",
    ]
    lines += _table(
        [
            "size",
            "computes",
            "peer",
            "warehouse s",
            "peer s",
            "warehouse / peer",
            "peer peak GiB",
            "equality check",
        ],
        _peer_rows(sizes, profiles),  # type: ignore[arg-type]
    )
    lines += [
        "",
        "Warehouse time = dbt's execution_time of the model(s) (similarity: "
        + " + ".join(SIMILARITY_MODELS)
        + "), which includes reading its input table and writing its result. Peer time ="
        " compute only, from its input already in memory (loading from DuckDB and the"
        " equality check excluded), which favours the peer. Inside `dbt build` two models run"
        " at once on the 2 cores, so a model's time there includes sharing the CPU; the"
        " 're-run alone' rows time the same compiled SELECT by itself (the EXPLAIN ANALYZE"
        " pass after the last run, without writing a table).",
        "",
        "## dbt: its own overhead apart from query time (seconds)",
        "",
    ]
    lines += _table(
        [
            "size",
            "wall",
            "startup + parse + artifacts",
            "execution phase",
            "models total",
            "models query",
            "models dbt overhead",
            "data tests total",
            "data tests dbt overhead",
            "seeds",
        ],
        _dbt_rows(sizes),
    )
    lines += [
        "",
        "Query time is the sum of the `SQL status: OK in ...` durations dbt logs per node;"
        " overhead = the node's execution_time - its query time (compiling, metadata"
        " queries' bookkeeping, connection handling). Startup = process wall - run_results"
        " elapsed_time (imports, full parse in a fresh target, writing artifacts). dbt runs 2"
        " nodes at a time, so node sums exceed the execution phase. The build excludes unit"
        " tests, as the Dagster pipeline does: they test SQL on fixed fixtures, cost the same"
        " at every size and run in `make test`.",
        "",
        "## dbt models: execution time in seconds (query time in brackets)",
        "",
    ]
    header, rows = _model_rows(sizes)
    lines += _table(header, rows)
    lines.append("")
    for label, prof in (profiles or {}).items():
        lines += _profile_lines(prof, label)  # type: ignore[arg-type]
    if commentary is not None and commentary.exists():
        lines += ["## Analysis", "", commentary.read_text().strip(), ""]
    section = stream_section()
    if section:
        lines += [section, ""]
    drew = plot(sizes, plot_path)
    if drew:
        rel = (
            plot_path.relative_to(report_path.parent)
            if plot_path.parent == report_path.parent
            else plot_path
        )
        lines += ["## Plot", "", f"![time and peak memory against events]({rel})", ""]
    else:
        lines += ["(Plot not drawn: matplotlib is not installed; `pip install -e '.[bench]'`.)", ""]
    report_path.parent.mkdir(parents=True, exist_ok=True)
    report_path.write_text("\n".join(lines) + "\n")
    return report_path
