"""`python -m bench.stream`: one new hour through the stream path, beside a full refresh.

    python -m bench.stream                          1M, 3M, 10M events, 3 new hours each
    python -m bench.stream --sizes 1000000 --hours 1

At each size: generate the log as a landing zone of one-hour batches (datagen
--batch-minutes 60, Parquet) and hold back every batch from noon of the window's last
day on. Then, each stage a fresh child process (bench.measure):
  - full refresh: `dbt build --full-refresh` over what has landed, `ml train`, `ml score`
    (raw -> recommendations, generation excluded);
  - for each of --hours new hours: land the next batch and take the stream's hot path,
    `dbt build --selector stream_batch` (the incremental models fold it in, what
    stands between them and the candidates rebuilds, data tests included) and
    `ml score --candidates-only` with the model already trained (landing -> refreshed
    recommendations);
  - then one monitoring run, as the stream does every 24 batches: `dbt build
    --selector stream_monitoring` (the training set folds in every hour since, the
    reports rebuild), `ml score` (the training set's scores), `ml evaluate`.
Runs are saved as bench/out/stream/<size>.json, and the report (bench/STREAM.md) is
rewritten from every saved run. The load average is recorded beside every stage.
"""

from __future__ import annotations

import argparse
import calendar
import json
import os
import statistics
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path

import pyarrow.parquet as pq

from bench.dbt_timing import read_build
from bench.machine import load_average, machine_info
from bench.measure import run_measured, tail
from bench.runner import RunPaths, RunSettings, stage_env
from bench.settings import DEFAULT_SIZES, PROJECT_ROOT, DataSize

OUT_DIR = PROJECT_ROOT / "bench" / "out" / "stream"
# The stream's figures also go in the main report, between these markers (bench.report
# keeps them when it rewrites the rest).
MAIN_REPORT = PROJECT_ROOT / "bench" / "REPORT.md"
SECTION_START, SECTION_END = "<!-- stream:start -->", "<!-- stream:end -->"
FLAT_START, FLAT_END = "<!-- flat:start -->", "<!-- flat:end -->"  # bench.stream_flat's part
FOLLOW_DIR = PROJECT_ROOT / "bench" / "out" / "stream_follow"  # bench.stream_follow's runs
FLAT_DIR = PROJECT_ROOT / "bench" / "out" / "stream_flat"  # bench.stream_flat's runs
AB_DIR = PROJECT_ROOT / "bench" / "out" / "stream_ab"  # bench.stream_ab's runs
REPORT = PROJECT_ROOT / "bench" / "STREAM.md"
LOG = ["--log-format-file", "json", "--log-level-file", "debug"]
BUILD = ["build", "--exclude-resource-type", "unit_test", *LOG]
# The stream's two paths (selectors.yml, orchestration/stream*.py): each batch, then
# every MONITOR_EVERY batches (the monitoring sensor's default).
HOUR_BUILD = ["build", "--selector", "stream_batch", *LOG]
HOUR_SCORE = ["-m", "ml", "score", "--candidates-only"]
MONITORING_BUILD = ["build", "--selector", "stream_monitoring", *LOG]
MONITOR_EVERY = 24
PY, DBT = sys.executable, str(Path(sys.executable).parent / "dbt")
SCORE = ["-m", "ml", "score"]  # candidates and the training set


class StageFailed(RuntimeError):
    """A stage exited non-zero; the message carries the end of its log."""


def stage(name: str, cmd: list[str], env: dict[str, str], paths: RunPaths) -> dict:
    log = paths.logs / f"{name}.log"
    started_load = load_average()
    measured = run_measured(cmd, env, log, cwd=PROJECT_ROOT)
    if measured.returncode != 0:
        raise StageFailed(f"stage {name} exited {measured.returncode} (log {log}):\n{tail(log)}")
    stage = {"seconds": measured.seconds, "peak_rss_bytes": measured.peak_rss_bytes,
             "load_average_start": started_load}  # fmt: skip
    if cmd[0].endswith("dbt"):
        stage["dbt"] = read_build(paths.target, paths.target / "logs", measured.seconds)
    # Each build's own log: read_build sums every dbt.log* it finds.
    for old in (paths.target / "logs").glob("dbt.log*"):
        old.unlink()
    return stage


def hold_back(events_dir: Path, held: Path, hours: int = 12) -> list[Path]:
    """Move every batch from `hours` before the end of the window on into `held` (by
    default from noon of its last day); return them in landing order. The window ends
    with the 28th day from the first batch's day (the generator's default --days); the
    batches after it hold only late arrivals."""
    batches = sorted(events_dir.glob("*.parquet"))
    first_day = calendar.timegm(time.strptime(batches[0].stem[:8], "%Y%m%d"))
    cut = time.strftime("%Y%m%dT%H%MZ", time.gmtime(first_day + (28 * 24 - hours) * 3600))
    held.mkdir(parents=True, exist_ok=True)
    moved = []
    for batch in batches:
        if batch.stem >= cut:
            target = held / batch.name
            os.replace(batch, target)
            moved.append(target)
    return moved


def run_size(size: DataSize, hours: int, work_dir: Path) -> dict:
    paths = RunPaths(work_dir / size.label)
    paths.reset()
    env = stage_env(paths, RunSettings(work_dir=work_dir))
    record: dict = {"events": size.events, "label": size.label, "users": size.users,
                    "tweets": size.tweets, "started_at": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
                    "commit": machine_info(PROJECT_ROOT)["commit"]}
    record["generate"] = stage(
        "generate", [PY, "-m", "datagen", *size.datagen_args(paths.raw, paths.truth),
                     "--batch-minutes", "60"], env, paths)  # fmt: skip
    events_dir = paths.raw / "raw_events"
    held = hold_back(events_dir, paths.root / "held")
    record["landed_batches"] = len(list(events_dir.glob("*.parquet")))
    record["landed_rows"] = sum(pq.read_metadata(p).num_rows for p in events_dir.glob("*.parquet"))
    record["full"] = full_refresh(env, paths)
    record["hours"] = fold_hours(held[:hours], events_dir, os.replace, env, paths)
    record["monitoring"] = monitoring(env, paths)
    return record


def full_refresh(env: dict[str, str], paths: RunPaths) -> dict:
    """Raw -> recommendations from nothing: build everything, train, score."""
    return {
        "dbt_build": stage("full_dbt", [DBT, *BUILD, "--full-refresh"], env, paths),
        "train": stage("full_train", [PY, "-m", "ml", "train"], env, paths),
        "score": stage("full_score", [PY, *SCORE], env, paths),
    }


def fold_hours(batches: Sequence[Path], events_dir: Path, land: Callable[[Path, Path], object],
               env: dict[str, str], paths: RunPaths) -> list[dict]:  # fmt: skip
    """Land each batch in turn (`land(batch, target)`: a move or a link) and time the
    stream's hot path after it: its dbt selector, then the candidates' scores."""
    hours = []
    for index, batch in enumerate(batches):
        rows = pq.read_metadata(batch).num_rows
        land(batch, events_dir / batch.name)
        hours.append({
            "batch_id": batch.stem,
            "rows": rows,
            "dbt_build": stage(f"hour{index}_dbt", [DBT, *HOUR_BUILD], env, paths),
            "score": stage(f"hour{index}_score", [PY, *HOUR_SCORE], env, paths),
        })  # fmt: skip
    return hours


def monitoring(env: dict[str, str], paths: RunPaths) -> dict:
    """The stream's monitoring run after the hours: the training set folded in, its
    scores, the evaluation and the reports."""
    return {
        "dbt_build": stage("monitoring_dbt", [DBT, *MONITORING_BUILD], env, paths),
        "score": stage("monitoring_score", [PY, *SCORE], env, paths),
        "evaluate": stage("monitoring_evaluate", [PY, "-m", "ml", "evaluate"], env, paths),
    }


def monitoring_seconds(stages: dict | None) -> float | None:
    """One monitoring run's seconds (the stages `monitoring` timed), or None for a run
    saved before the stream had one."""
    return sum(s["seconds"] for s in stages.values()) if stages else None


def parse_sizes(text: str, flag: str, parser: argparse.ArgumentParser) -> list[int]:
    """Comma-separated positive row counts (underscores allowed), or a one-line error."""
    try:
        values = [int(s) for s in text.split(",") if s.strip()]
    except ValueError:
        parser.error(f"{flag} takes integers, comma separated, got {text!r}")
    if not values or min(values) < 1:
        parser.error(f"{flag} needs at least one positive size, got {text!r}")
    return values


# --- report -------------------------------------------------------------------------


def _full_seconds(run: dict) -> float:
    return sum(run["full"][s]["seconds"] for s in ("dbt_build", "train", "score"))


def hour_seconds(hour: dict) -> float:
    return hour["dbt_build"]["seconds"] + hour["score"]["seconds"]


def _median(values: Sequence[float]) -> str:
    if not values:
        return ""
    return f"{statistics.median(values):.1f} ({min(values):.1f}-{max(values):.1f})"


def _loads(run: dict) -> str:
    loads = [run["full"]["dbt_build"]["load_average_start"][0]]
    loads += [h["dbt_build"]["load_average_start"][0] for h in run["hours"]]
    return f"{min(loads):.2f}-{max(loads):.2f}"

RUN_COLUMNS = ("| full refresh: dbt build s | train s | score s | raw -> recs s | hours"
               " | rows per hour | new hour: dbt build s | score s | landing -> recs s"
               f" | hour / full | monitoring run s (every {MONITOR_EVERY} hours)"
               " | hour with its share of monitoring s | load avg |")  # fmt: skip
RUN_RULE = "|---" * 15 + "|"


def _run_row(run: dict, rows: int) -> str:
    """One run's table row: its full refresh, then the median of its new hours."""
    full = _full_seconds(run)
    hour_total = [hour_seconds(h) for h in run["hours"]]
    ratio = statistics.median(hour_total) / full if hour_total else float("nan")
    watch = monitoring_seconds(run.get("monitoring"))
    shared = (f"{statistics.median(hour_total) + watch / MONITOR_EVERY:.1f}"
              if watch is not None and hour_total else "n/a")  # fmt: skip
    return (
        f"| {run['label']} | {rows:,} | {run['full']['dbt_build']['seconds']:.1f}"
        f" | {run['full']['train']['seconds']:.1f} | {run['full']['score']['seconds']:.1f}"
        f" | {full:.1f} | {len(run['hours'])}"
        f" | {statistics.median([h['rows'] for h in run['hours']]):,.0f}"
        f" | {_median([h['dbt_build']['seconds'] for h in run['hours']])}"
        f" | {_median([h['score']['seconds'] for h in run['hours']])}"
        f" | {_median(hour_total)} | {ratio:.0%}"
        f" | {'n/a' if watch is None else f'{watch:.1f}'} | {shared} | {_loads(run)} |"
    )


def _node_rows(run: dict, top: int = 12) -> list[str]:
    """The models that cost most in the hour's builds, beside the full refresh."""
    def times(build: dict) -> dict[str, float]:
        return {n["unique_id"].split(".")[-1]: n["execution_seconds"]
                for n in build["dbt"]["nodes"] if n["resource_type"] == "model"}  # fmt: skip

    full = times(run["full"]["dbt_build"])
    hours = [times(h["dbt_build"]) for h in run["hours"]]
    names = sorted(full, key=lambda n: -statistics.median([h.get(n, 0.0) for h in hours] or [0]))
    lines = ["| model | full refresh s | new hour s (median) |", "|---|---|---|"]
    for name in names[:top]:
        hour = statistics.median([h.get(name, 0.0) for h in hours]) if hours else 0.0
        lines.append(f"| {name} | {full[name]:.2f} | {hour:.2f} |")
    return lines


def write_report(runs: list[dict], path: Path = REPORT) -> None:
    info = machine_info(PROJECT_ROOT)
    generated = time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime())
    commits = ", ".join(sorted({str(r["commit"]) for r in runs}))
    lines = [
        "# Stream benchmark: one new hour beside the full refresh",
        "",
        f"Generated {generated} by `python -m bench.stream` from bench/out/stream/*.json."
        f" Machine: {info.get('cores')} cores; commits: {commits}."
        " Each figure of an hour is"
        " the median of the hours run, (min-max) beside it; the load average is the"
        " 1-minute one when each stage started.",
        "",
        f"| size | landed rows {RUN_COLUMNS}",
        RUN_RULE,
    ]
    lines += [_run_row(run, run["landed_rows"]) for run in runs]
    for run in runs:
        lines += ["", f"## {run['label']}: where a new hour's build spends its time", ""]
        lines += _node_rows(run)
        kinds = [h["dbt"]["by_kind"] for h in (x["dbt_build"] for x in run["hours"])]
        if kinds:
            tests, models = (
                statistics.median(k.get(kind, {}).get("execution_seconds", 0) for k in kinds)
                for kind in ("test", "model")
            )
            lines += ["", f"Node time summed over the hour's build (two run at once): models"
                      f" {models:.1f} s, data tests {tests:.1f} s."]  # fmt: skip
    lines += _ab_lines()
    lines += ["", _flat_section()]
    lines += _follow_lines()
    path.write_text("\n".join(lines) + "\n")
    if path == REPORT:
        _splice_main_report()


def splice(text: str, start: str, end: str, section: str) -> str:
    """`text` with the part between the markers (theirs included) replaced by `section`,
    which carries its own markers; appended when the markers are absent."""
    if start in text and end in text:
        before, rest = text.split(start, 1)
        return f"{before}{section}{rest.split(end, 1)[1]}"
    return f"{text.rstrip()}\n\n{section}\n"


def _splice_main_report() -> None:
    if MAIN_REPORT.exists():
        text = MAIN_REPORT.read_text()
        MAIN_REPORT.write_text(splice(text, SECTION_START, SECTION_END, stream_section()))


def write_flat_section() -> None:
    """Rewrite only bench.stream_flat's part of bench/STREAM.md (and of REPORT.md), so a
    flatness run keeps the per-size tables of runs saved elsewhere."""
    REPORT.write_text(splice(REPORT.read_text(), FLAT_START, FLAT_END, _flat_section()))
    _splice_main_report()


def stream_section() -> str:
    """bench/STREAM.md as a section of the main report (empty before any stream run)."""
    if not REPORT.exists():
        return ""
    body = REPORT.read_text().split("\n", 1)[1].strip().replace("\n## ", "\n### ")
    return (
        f"{SECTION_START}\n## The stream: one new hour beside the full refresh\n\n"
        f"From bench/STREAM.md (`python -m bench.stream`, `python -m bench.stream_follow`).\n\n"
        f"{body}\n{SECTION_END}"
    )


def _flat_section() -> str:
    """The same new hours after a growing history (bench.stream_flat), between its
    markers (nothing between them before it has run)."""
    return "\n".join([FLAT_START, *_flat_lines(), FLAT_END])


def _flat_lines() -> list[str]:
    runs = sorted((json.loads(p.read_text()) for p in FLAT_DIR.glob("*.json")),
                  key=lambda r: r["history_rows"])  # fmt: skip
    if not runs:
        return []
    pool = runs[-1]
    commits = ", ".join(sorted({str(r["commit"]) for r in runs}))
    return [
        "## The same hour on a growing history (`python -m bench.stream_flat`)", "",
        f"One generated log of {pool['pool_events']:,} events ({pool['users']:,} users,"
        f" {pool['tweets']:,} tweets) as one-hour batches; for each history, the first"
        " batches up to that many rows land and build from nothing, then the next"
        f" hours land one at a time. Commits: {commits}.", "",
        f"| history | landed rows {RUN_COLUMNS}", RUN_RULE,
        *(_run_row(run, run["history_rows"]) for run in runs),
    ]  # fmt: skip


def _ab_lines() -> list[str]:
    """The hot path against the old per-batch path, turn about (bench.stream_ab)."""
    lines = []
    for path in sorted(AB_DIR.glob("*.json")):
        hours = json.loads(path.read_text())
        lines += [
            "", f"## {path.stem}: the hot path against the old path, turn about"
            " (`python -m bench.stream_ab`)", "",
            "The next held batches of the run above, folded in one at a time on its"
            " warehouse, alternately the old way (`dbt build` of the whole graph, `ml score`"
            " with the training set) and on the hot path. The first old hour also catches up"
            " what the hot path had left to the monitoring run.", "",
            "| batch | rows | path | dbt build s | score s | total s | model node s"
            " | test node s | load avg |",
            "|---|---|---|---|---|---|---|---|---|",
            *(f"| {h['batch']} | {h['rows']:,} | {h['kind']} | {h['dbt']} | {h['score']}"
              f" | {h['total']} | {h['models']} | {h['tests']} | {h['load']:.2f} |"
              for h in hours),
        ]  # fmt: skip
    return lines


def _follow_lines() -> list[str]:
    """The sustained loop under a steady producer (bench.stream_follow), when it has run."""
    runs = sorted((json.loads(p.read_text()) for p in FOLLOW_DIR.glob("*.json")),
                  key=lambda r: r["events"])  # fmt: skip
    if not runs:
        return []
    lines = [
        "", "## The loop under a producer at a fixed rate (`python -m bench.stream_follow`)", "",
        "A producer lands one hourly batch every few seconds; the loop takes whatever has"
        " landed through the hot path (`dbt build --selector stream_batch` + `ml score"
        f" --candidates-only`), with the monitoring run in the cycle that passes every"
        f" {MONITOR_EVERY} batches, and starts again. Lag: from a batch landing to the end"
        " of the cycle that rescored with it, over events.", "",
        "| size | commit | batch every s | events per batch | offered events/s | loop s"
        " | batches landed / folded | folded events/s | cycles | cycle s (median) | lag p50 s"
        " | lag p99 s | load avg |",
        "|---|---|---|---|---|---|---|---|---|---|---|---|---|",
    ]  # fmt: skip
    for run in runs:
        cycles = run["cycles"]
        loads = [c["load_average_start"] for c in cycles] or [float("nan")]
        lines.append(
            f"| {run['label']} | {run['commit']} | {run['batch_seconds']:g}"
            f" | {run['rows_per_batch']:,} | {run['offered_events_per_s']:,}"
            f" | {run['loop_seconds']:.0f} | {run['batches_landed']} / {run['batches_folded']}"
            f" | {run['folded_events_per_s']:,} | {len(cycles)}"
            f" | {_median([c['seconds'] for c in cycles])} | {run['lag_p50_s']}"
            f" | {run['lag_p99_s']} | {min(loads):.2f}-{max(loads):.2f} |"
        )
    return lines


def main(argv: Sequence[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m bench.stream", description=__doc__,
                                formatter_class=argparse.RawTextHelpFormatter)  # fmt: skip
    p.add_argument("--sizes", default=",".join(str(s) for s in DEFAULT_SIZES),
                   help="events per size, comma separated")  # fmt: skip
    p.add_argument("--hours", type=int, default=3, help="new hours landed after the full refresh")
    p.add_argument("--work", type=Path, default=PROJECT_ROOT / "bench" / "out" / "stream_work")
    p.add_argument("--report-only", action="store_true", help="only rewrite the report")
    args = p.parse_args(argv)
    sizes = parse_sizes(args.sizes, "--sizes", p)
    if args.hours < 1:
        p.error("--hours must be at least 1")
    OUT_DIR.mkdir(parents=True, exist_ok=True)
    if not args.report_only:
        for events in sizes:
            size = DataSize(events)
            try:
                run = run_size(size, args.hours, args.work)
            except StageFailed as exc:
                print(f"{size.label}: {exc}", file=sys.stderr)
                return 1
            (OUT_DIR / f"{size.label}.json").write_text(json.dumps(run, indent=1))
            print(f"{size.label}: full {_full_seconds(run):.1f} s, hour"
                  f" {_median([hour_seconds(h) for h in run['hours']])} s")  # fmt: skip
    runs = sorted((json.loads(p.read_text()) for p in OUT_DIR.glob("*.json")),
                  key=lambda r: r["events"])  # fmt: skip
    write_report(runs)
    print(f"report: {REPORT}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
