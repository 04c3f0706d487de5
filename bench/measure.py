"""Run one stage as a fresh child process and measure its wall time and peak memory.

Every stage runs in its own process so its peak resident set size is its own: the
parent waits with os.wait4, whose rusage holds the largest RSS of that child and of
every descendant it waited for (Linux semantics of ru_maxrss), so a stage that forks
workers is still covered. ru_maxrss is in KiB on Linux and bytes on macOS.
"""

from __future__ import annotations

import os
import subprocess
import sys
import threading
import time
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Measured:
    """What one child process cost: wall seconds, peak RSS in bytes, exit code."""

    seconds: float
    peak_rss_bytes: int
    returncode: int


def _rss_bytes(ru_maxrss: int) -> int:
    return ru_maxrss if sys.platform == "darwin" else ru_maxrss * 1024


def run_measured(
    cmd: list[str], env: dict[str, str], log_path: Path, cwd: Path | None = None,
    sample_tree: bool = False,
) -> Measured:
    """Run `cmd` with stdout and stderr to `log_path`; return its cost once it exits.
    sample_tree: also sample the resident memory of the child's whole process tree
    every half second, for children it never waits for (pyspark's JVM), which rusage
    does not count; the peak is the larger of the two."""
    log_path.parent.mkdir(parents=True, exist_ok=True)
    sampled = [0]
    done = threading.Event()
    with log_path.open("w") as log:
        start = time.perf_counter()
        proc = subprocess.Popen(cmd, env=env, cwd=cwd, stdout=log, stderr=subprocess.STDOUT)
        if sample_tree:
            def sample() -> None:
                while not done.wait(0.5):
                    sampled[0] = max(sampled[0], tree_rss_bytes(proc.pid))

            threading.Thread(target=sample, daemon=True).start()
        _, status, usage = os.wait4(proc.pid, 0)
        done.set()
        seconds = time.perf_counter() - start
    # Tell Popen the child is reaped so it never waits on it again.
    proc.returncode = os.waitstatus_to_exitcode(status)
    return Measured(seconds, max(_rss_bytes(usage.ru_maxrss), sampled[0]), proc.returncode)


def tree_rss_bytes(root: int) -> int:
    """Resident memory of process `root` and all its descendants now (Linux /proc)."""
    page = os.sysconf("SC_PAGE_SIZE")
    children: dict[int, list[int]] = defaultdict(list)
    resident: dict[int, int] = {}
    for entry in os.scandir("/proc"):
        if not entry.name.isdigit():
            continue
        try:
            stat = Path("/proc", entry.name, "stat").read_text()
            pages = int(Path("/proc", entry.name, "statm").read_text().split()[1])
        except (OSError, ValueError, IndexError):
            continue  # exited meanwhile
        pid = int(entry.name)
        children[int(stat.rsplit(")", 1)[1].split()[1])].append(pid)
        resident[pid] = pages * page
    total, pending = 0, [root]
    while pending:
        pid = pending.pop()
        total += resident.get(pid, 0)
        pending.extend(children.get(pid, []))
    return total


def tail(path: Path, lines: int = 30) -> str:
    """The last `lines` lines of a log, for error messages."""
    try:
        return "\n".join(path.read_text(errors="replace").splitlines()[-lines:])
    except OSError:
        return ""
