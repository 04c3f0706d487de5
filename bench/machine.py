"""What the numbers were measured on: cores, memory, CPU, load, package versions, commit.

Every report is stamped with this, because a timing without its machine is not a figure.
"""

from __future__ import annotations

import os
import platform
import subprocess
from importlib import metadata
from pathlib import Path

PACKAGES = (
    "dbt-core",
    "dbt-duckdb",
    "duckdb",
    "scikit-learn",
    "numpy",
    "scipy",
    "pyarrow",
    "pandas",
    "polars",
    "matplotlib",
    "dbt-spark",
    "pyspark",
)


def _meminfo_bytes(field: str) -> int | None:
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith(field + ":"):
                return int(line.split()[1]) * 1024
    except OSError:
        pass
    return None


def _cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def _git(root: Path, *args: str) -> str:
    try:
        out = subprocess.run(
            ["git", *args], cwd=root, capture_output=True, text=True, check=False, timeout=10
        )
    except (OSError, subprocess.TimeoutExpired):
        return ""
    return out.stdout.strip()


def versions() -> dict[str, str]:
    """Installed version of each package the bench measures (missing ones say so)."""
    found = {}
    for name in PACKAGES:
        try:
            found[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            found[name] = "not installed"
    return found


def load_average() -> list[float]:
    """1, 5 and 15-minute load averages (other work on the machine inflates timings)."""
    try:
        return [round(x, 2) for x in os.getloadavg()]
    except OSError:
        return []


def machine_info(project_root: Path) -> dict[str, object]:
    """A JSON-ready description of this machine and checkout."""
    commit = _git(project_root, "rev-parse", "--short", "HEAD")
    dirty = bool(_git(project_root, "status", "--porcelain", "--untracked-files=no"))
    return {
        "cores": os.cpu_count(),
        "memory_bytes": _meminfo_bytes("MemTotal"),
        "cpu": _cpu_model(),
        "platform": platform.platform(),
        "python": platform.python_version(),
        "versions": versions(),
        "commit": commit + (" (with uncommitted changes)" if dirty else ""),
    }
