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
import time
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
    cmd: list[str], env: dict[str, str], log_path: Path, cwd: Path | None = None
) -> Measured:
    """Run `cmd` with stdout and stderr to `log_path`; return its cost once it exits."""
    log_path.parent.mkdir(parents=True, exist_ok=True)
    with log_path.open("w") as log:
        start = time.perf_counter()
        proc = subprocess.Popen(cmd, env=env, cwd=cwd, stdout=log, stderr=subprocess.STDOUT)
        _, status, usage = os.wait4(proc.pid, 0)
        seconds = time.perf_counter() - start
    # Tell Popen the child is reaped so it never waits on it again.
    proc.returncode = os.waitstatus_to_exitcode(status)
    return Measured(seconds, _rss_bytes(usage.ru_maxrss), proc.returncode)


def tail(path: Path, lines: int = 30) -> str:
    """The last `lines` lines of a log, for error messages."""
    try:
        return "\n".join(path.read_text(errors="replace").splitlines()[-lines:])
    except OSError:
        return ""
