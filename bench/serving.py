"""Serving bench: the real server (python -m serving serve) under wrk, a real HTTP load
generator, over a snapshot published from a warehouse built at each size.

    python -m bench.serving --sizes 1000000            build 1M, publish, load, report
    python -m bench.serving --sizes 1000000 --reuse    reuse the warehouse built before

Per size: build the warehouse (datagen -> dbt build -> ml train -> ml score, the bench's
stages), start the server on an empty snapshot folder, publish (the server hot-loads
it: its memory before and after is the snapshot's), then run, each for --seconds:

- GET recommendations paced at --rate (2,000 req/s), then closed loop (capacity);
- POST /v1/score with each user's 100 retrieved candidates, paced and closed loop;
- GET recommendations at half the rate while a new snapshot is published and swapped.

wrk runs one thread beside the server on the same two cores; each run records the CPU
both used, and the load average. Results go to bench/out/serving/<size>.json; SERVING.md
and the serving section of REPORT.md are rewritten from every size measured.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import duckdb

from bench.machine import load_average, machine_info
from bench.runner import RunPaths, RunSettings, stage_commands, stage_env
from bench.settings import PROJECT_ROOT, DataSize
from serving.process import ServerProcess, start_server, stop_server

BENCH_DIR = PROJECT_ROOT / "bench"
OUT_DIR = BENCH_DIR / "out" / "serving"
LUA = BENCH_DIR / "wrk" / "serving.lua"
REPORT_START = "<!-- serving:start -->"
REPORT_END = "<!-- serving:end -->"
CLOCK_TICKS = os.sysconf("SC_CLK_TCK")
# wrk's connections: enough that a connection's pause (connections / rate) dwarfs a
# response's latency, so pacing by pause holds the rate.
PACED_CONNECTIONS = 64
CLOSED_CONNECTIONS = 8
SCORE_CANDIDATES = 100


def _get_json(url: str) -> tuple[int, dict]:
    try:
        with urllib.request.urlopen(url, timeout=30) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read() or b"{}")


def _metrics(url: str) -> dict[str, float]:
    with urllib.request.urlopen(url + "/metrics", timeout=30) as response:
        text = response.read().decode()
    values: dict[str, float] = {}
    for line in text.splitlines():
        if line and not line.startswith("#"):
            name, _, value = line.rpartition(" ")
            values[name] = float(value)
    return values


def _server_errors(url: str) -> float:
    """5xx answers of the API routes (/readyz's 503 before the first snapshot is not one)."""
    return sum(v for k, v in _metrics(url).items()
               if k.startswith("serving_requests_total{") and 'status="5' in k
               and 'route="/v1/' in k)


def _proc_status_kib(pid: int, field: str) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1])
    raise KeyError(field)


def _cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / CLOCK_TICKS


def build_warehouse(size: DataSize, paths: RunPaths, env: dict[str, str]) -> dict[str, float]:
    """datagen -> dbt build -> ml train -> ml score, as the bench's stages run them."""
    paths.reset()
    settings = RunSettings(paths.root, peers=(), ml_stages=("train", "score"))
    commands = stage_commands(size, paths, settings)
    seconds = {}
    for stage, command in commands.items():
        started = time.perf_counter()
        log = paths.logs / f"{stage}.log"
        log.parent.mkdir(parents=True, exist_ok=True)
        with log.open("w") as out:
            code = subprocess.run(command, env=env, cwd=PROJECT_ROOT, stdout=out,
                                  stderr=subprocess.STDOUT, check=False).returncode
        if code != 0:
            raise RuntimeError(f"{stage} failed ({code}); see {log}")
        seconds[stage] = round(time.perf_counter() - started, 1)
        print(f"  {stage}: {seconds[stage]} s", flush=True)
    return seconds


def publish(env: dict[str, str], serving_dir: Path) -> dict[str, object]:
    started = time.perf_counter()
    result = subprocess.run(
        [sys.executable, "-m", "serving", "--serving-dir", str(serving_dir), "publish"],
        cwd=PROJECT_ROOT, env=env, capture_output=True, text=True, check=False,
    )
    if result.returncode != 0:
        raise RuntimeError(f"publish failed: {result.stderr.strip()}")
    snapshot_id = (serving_dir / "CURRENT").read_text().strip()
    folder = serving_dir / "snapshots" / snapshot_id
    return {
        "snapshot_id": snapshot_id,
        "seconds": round(time.perf_counter() - started, 2),
        "bytes_on_disk": sum(p.stat().st_size for p in folder.iterdir()),
        "manifest": json.loads((folder / "manifest.json").read_text()),
    }


def wait_for_snapshot(url: str, snapshot_id: str, timeout: float = 600) -> float:
    """Seconds until /readyz names `snapshot_id`."""
    started = time.monotonic()
    while time.monotonic() - started < timeout:
        status, body = _get_json(url + "/readyz")
        if status == 200 and body.get("snapshot_id") == snapshot_id:
            return round(time.monotonic() - started, 2)
        time.sleep(0.2)
    raise RuntimeError(f"the server never served {snapshot_id}")


def write_request_files(db: Path, folder: Path, users: int = 50_000) -> dict[str, Path]:
    """Recommendation paths for up to `users` users (1 in 100 unknown) and score bodies
    with a user's first 100 retrieved candidates, drawn by a fixed hash."""
    folder.mkdir(parents=True, exist_ok=True)
    with duckdb.connect(str(db), read_only=True) as con:
        keys = [k for (k,) in con.execute(
            "select user_key from marts.feat_online_user order by hash(user_id, 'bench')"
            " limit ?", [users]).fetchall()]
        bodies = con.execute(
            f"""
            with drawn as (
                select distinct user_id from marts.feat_online_candidate
                order by hash(user_id, 'bench-score') limit 2000
            ),
            ranked as (
                select c.user_id, t.tweet_key,
                    row_number() over (partition by c.user_id order by c.tweet_id) as n
                from marts.feat_online_candidate as c
                inner join drawn on c.user_id = drawn.user_id
                inner join marts.dim_tweets as t on c.tweet_id = t.tweet_id
            )
            select u.user_key, list(ranked.tweet_key order by ranked.n)
            from ranked inner join marts.dim_users as u on ranked.user_id = u.user_id
            where ranked.n <= {SCORE_CANDIDATES}
            group by u.user_key
            having count(*) = {SCORE_CANDIDATES}
            """
        ).fetchall()
    paths = [f"/v1/users/{key}/recommendations?k=10" for key in keys]
    paths += [f"/v1/users/unknown-{i}/recommendations?k=10" for i in range(len(keys) // 100)]
    files = {"recommendations": folder / "recommendations.txt", "score": folder / "score.jsonl"}
    files["recommendations"].write_text("\n".join(sorted(paths, key=hash)) + "\n")
    files["score"].write_text(
        "\n".join(json.dumps({"user_id": u, "tweet_ids": t}) for u, t in bodies) + "\n"
    )
    return files


def run_wrk(url: str, mode: str, requests: Path, seconds: int, connections: int,
            pause_ms: int, server_pid: int) -> dict[str, object]:
    """One wrk run; its result with the achieved rate and both processes' CPU."""
    server_cpu = _cpu_seconds(server_pid)
    started = time.perf_counter()
    process = subprocess.Popen(
        ["wrk", "-t1", f"-c{connections}", f"-d{seconds}s", "--timeout", "10s", "-s", str(LUA),
         url, "--", mode, str(requests), str(pause_ms)],
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
    )
    # wrk's own CPU, read just before it exits (it is reaped at communicate()).
    wrk_cpu = 0.0
    while process.poll() is None:
        try:
            wrk_cpu = _cpu_seconds(process.pid)
        except (FileNotFoundError, ProcessLookupError):
            break
        time.sleep(0.25)
    output, _ = process.communicate()
    wall = time.perf_counter() - started
    lines = [line for line in output.splitlines() if line.startswith("{")]
    if process.returncode != 0 or not lines:
        raise RuntimeError(f"wrk failed:\n{output}")
    result = json.loads(lines[-1])
    duration = result["duration_us"] / 1e6
    result["rate"] = round(result["requests"] / duration, 1)
    result["connections"] = connections
    result["pause_ms"] = pause_ms
    result["cpu_share_of_two_cores"] = {
        "server": round((_cpu_seconds(server_pid) - server_cpu) / (2 * wall), 3),
        "wrk": round(wrk_cpu / (2 * wall), 3),
    }
    result["load_average"] = load_average()
    return result


def paced(url: str, mode: str, requests: Path, rate: float, seconds: int,
          server_pid: int) -> dict[str, object]:
    """A run at `rate` req/s: pause = connections / rate, less the cycle's own time
    measured in a 5-second calibration."""
    target_cycle_ms = PACED_CONNECTIONS * 1000 / rate
    pause = max(0, round(target_cycle_ms))
    trial = run_wrk(url, mode, requests, 5, PACED_CONNECTIONS, pause, server_pid)
    overhead_ms = PACED_CONNECTIONS * 1000 / float(trial["rate"]) - pause
    pause = max(0, round(target_cycle_ms - overhead_ms))
    result = run_wrk(url, mode, requests, seconds, PACED_CONNECTIONS, pause, server_pid)
    result["target_rate"] = rate
    return result


def bench_size(size: DataSize, args: argparse.Namespace) -> dict[str, object]:
    paths = RunPaths(OUT_DIR / "work" / size.label)
    env = stage_env(paths, RunSettings(paths.root))
    record: dict[str, object] = {"size": size.events, "label": size.label}
    if args.reuse and paths.db.exists():
        print(f"{size.label}: reusing {paths.db}", flush=True)
    else:
        print(f"{size.label}: building the warehouse", flush=True)
        record["build_seconds"] = build_warehouse(size, paths, env)
    shutil.rmtree(paths.serving, ignore_errors=True)
    paths.serving.mkdir(parents=True)
    server = start_server(paths.serving, paths.root / "server.log", env=env, poll_seconds=0.5)
    try:
        pid = server.pid
        time.sleep(2)
        rss_before = _proc_status_kib(pid, "VmRSS") * 1024
        published = publish(env, paths.serving)
        load_wait = wait_for_snapshot(server.url, str(published["snapshot_id"]))
        time.sleep(2)
        rss_after = _proc_status_kib(pid, "VmRSS") * 1024
        metrics = _metrics(server.url)
        manifest = published.pop("manifest")
        record["snapshot"] = {
            **published,
            "rows": manifest["rows"],
            "publish_to_served_seconds": load_wait,
            "load_seconds": metrics.get("serving_snapshot_load_seconds"),
            "array_bytes": metrics.get("serving_snapshot_array_bytes"),
            "server_rss_before_bytes": rss_before,
            "server_rss_after_bytes": rss_after,
        }
        files = write_request_files(paths.db, paths.root / "requests")
        runs: dict[str, object] = {}
        print(f"{size.label}: load runs of {args.seconds} s", flush=True)
        runs["recommendations_paced"] = paced(
            server.url, "recommendations", files["recommendations"], args.rate, args.seconds, pid)
        runs["recommendations_closed"] = run_wrk(
            server.url, "recommendations", files["recommendations"], args.seconds,
            CLOSED_CONNECTIONS, 0, pid)
        for rate in args.score_rates:
            runs[f"score_paced_{rate:g}"] = paced(
                server.url, "score", files["score"], rate, args.seconds, pid)
        runs["score_closed"] = run_wrk(
            server.url, "score", files["score"], args.seconds, CLOSED_CONNECTIONS, 0, pid)
        runs["swap_under_load"] = swap_under_load(server, env, paths.serving, files, args)
        record["runs"] = runs
        record["server_peak_rss_bytes"] = _proc_status_kib(pid, "VmHWM") * 1024
        record["server_errors_5xx"] = _server_errors(server.url)
    finally:
        stop_server(server)
    return record


def swap_under_load(server: ServerProcess, env: dict[str, str], serving_dir: Path,
                    files: dict[str, Path], args: argparse.Namespace) -> dict[str, object]:
    """Recommendations at half the rate while a snapshot is published and swapped in."""
    old = _get_json(server.url + "/readyz")[1]["snapshot_id"]
    rate = args.rate / 2
    pause = max(0, round(PACED_CONNECTIONS * 1000 / rate) - 1)
    seconds = max(args.seconds, 30)
    errors_before = _server_errors(server.url)
    process = subprocess.Popen(
        ["wrk", "-t1", f"-c{PACED_CONNECTIONS}", f"-d{seconds}s", "--timeout", "10s",
         "-s", str(LUA), server.url, "--", "recommendations", str(files["recommendations"]),
         str(pause)],
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
    )
    time.sleep(seconds / 4)
    published = publish(env, serving_dir)
    swapped_after = wait_for_snapshot(server.url, str(published["snapshot_id"]))
    output, _ = process.communicate()
    result = json.loads([line for line in output.splitlines() if line.startswith("{")][-1])
    result["rate"] = round(result["requests"] / (result["duration_us"] / 1e6), 1)
    result.update(
        old_snapshot=old,
        new_snapshot=published["snapshot_id"],
        publish_seconds=published["seconds"],
        served_after_publish_seconds=swapped_after,
        server_errors_5xx=_server_errors(server.url) - errors_before,
        load_average=load_average(),
    )
    return result


def _ms(us: float) -> str:
    return f"{us / 1000:.2f}"


def _mb(value: float | None) -> str:
    return "n/a" if value is None else f"{value / 2**20:,.0f} MiB"


def _run_title(key: str) -> str:
    closed = f"closed loop ({CLOSED_CONNECTIONS} connections)"
    if key.startswith("score_paced"):
        return f"score {SCORE_CANDIDATES}, paced"
    return {
        "recommendations_paced": "recommendations, paced",
        "recommendations_closed": f"recommendations, {closed}",
        "score_closed": f"score {SCORE_CANDIDATES}, {closed}",
        "swap_under_load": "recommendations while a snapshot is swapped in",
    }.get(key, key)


def markdown(records: list[dict], machine: dict) -> str:
    lines = [
        "# Serving bench",
        "",
        f"`python -m bench.serving` on commit {machine.get('commit', '?')}: the real server"
        " (uvicorn, one process) and wrk (one thread) on the same "
        f"{machine.get('cores', '?')} cores ({machine.get('cpu', '?')}). Latency is wrk's,"
        " from request sent to response read, on 127.0.0.1. Paced runs: "
        f"{PACED_CONNECTIONS} connections, each pausing a random (exponential) time"
        " between requests, so arrivals are near-Poisson at the rate shown; closed-loop"
        " runs send the next request as soon as the answer arrives (the server's"
        " capacity). CPU is each process's share of the two cores during the run."
        " Recommendations are k=10 for users drawn by hash (1 in 100 unknown); score"
        f" sends a user's {SCORE_CANDIDATES} retrieved candidates.",
        "",
        "| size | run | rate req/s | p50 ms | p90 ms | p99 ms | p99.9 ms | max ms | errors |"
        " CPU server / wrk (of 2 cores) | load avg |",
        "|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for record in records:
        for key, run in record["runs"].items():
            title = _run_title(key)
            latency = run["latency_us"]
            errors = sum(run["errors"].values())
            cpu = run.get("cpu_share_of_two_cores", {})
            target = f" (target {run['target_rate']:,.0f})" if "target_rate" in run else ""
            lines.append(
                f"| {record['label']} | {title} | {run['rate']:,.0f}{target} |"
                f" {_ms(latency['p50'])} | {_ms(latency['p90'])} | {_ms(latency['p99'])} |"
                f" {_ms(latency['p999'])} | {_ms(latency['max'])} | {errors} |"
                f" {cpu.get('server', 'n/a')} / {cpu.get('wrk', 'n/a')} |"
                f" {', '.join(str(x) for x in run['load_average'])} |"
            )
    lines += ["", "| size | snapshot rows | on disk | publish | hot load | arrays in memory |"
              " server RSS before / after load | peak RSS | swap: 5xx, wrk errors |",
              "|---|---|---|---|---|---|---|---|---|"]
    for record in records:
        snap = record["snapshot"]
        swap = record["runs"]["swap_under_load"]
        rows = snap["rows"]
        lines.append(
            f"| {record['label']} | {rows['user']:,} users, {rows['tweet']:,} tweets,"
            f" {rows['user_author']:,} user-author pairs, {rows['candidate']:,} candidates |"
            f" {snap['bytes_on_disk'] / 2**20:,.0f} MiB | {snap['seconds']} s |"
            f" {snap['load_seconds']:.1f} s | {_mb(snap['array_bytes'])} |"
            f" {_mb(snap['server_rss_before_bytes'])} / {_mb(snap['server_rss_after_bytes'])} |"
            f" {_mb(record['server_peak_rss_bytes'])} |"
            f" {swap['server_errors_5xx']:.0f}, {sum(swap['errors'].values())} |"
        )
    return "\n".join(lines) + "\n"


def write_reports(records: list[dict], machine: dict) -> None:
    text = markdown(records, machine)
    (BENCH_DIR / "SERVING.md").write_text(text)
    report = BENCH_DIR / "REPORT.md"
    body = report.read_text() if report.exists() else ""
    section = f"{REPORT_START}\n## Serving (bench/SERVING.md)\n\n" + \
        text.split("\n", 2)[2] + REPORT_END
    if REPORT_START in body:
        head, rest = body.split(REPORT_START, 1)
        body = head + section + rest.split(REPORT_END, 1)[1]
    else:
        body = body.rstrip() + "\n\n" + section + "\n"
    report.write_text(body)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.serving", description=__doc__,
                                     formatter_class=argparse.RawTextHelpFormatter,
                                     allow_abbrev=False)
    parser.add_argument("--sizes", default="1000000", help="events per size, comma-separated")
    parser.add_argument("--seconds", type=int, default=30, help="seconds per load run")
    parser.add_argument("--rate", type=float, default=2000, help="paced recommendations req/s")
    parser.add_argument("--score-rates", default="50,100",
                        help="paced score req/s, comma-separated")
    parser.add_argument("--reuse", action="store_true", help="reuse a warehouse built before")
    args = parser.parse_args(argv)
    args.score_rates = [float(r) for r in args.score_rates.split(",")]
    if shutil.which("wrk") is None:
        print("error: wrk is not installed: apt-get install -y wrk (make bench-serving does)",
              file=sys.stderr)
        return 2
    OUT_DIR.mkdir(parents=True, exist_ok=True)
    for events in (int(s) for s in args.sizes.split(",")):
        size = DataSize(events)
        record = bench_size(size, args)
        record["machine"] = machine_info(PROJECT_ROOT)
        (OUT_DIR / f"{size.label}.json").write_text(json.dumps(record, indent=2) + "\n")
    records = [json.loads(p.read_text()) for p in sorted(OUT_DIR.glob("*.json"))]
    records.sort(key=lambda r: r["size"])
    write_reports(records, records[-1]["machine"])
    print(f"wrote {BENCH_DIR / 'SERVING.md'} and the serving section of REPORT.md")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
