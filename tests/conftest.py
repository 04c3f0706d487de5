"""Shared pytest fixtures: where the project lives and how to run dbt against a
throw-away warehouse, so no test ever writes the developer's own DuckDB file."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

PROJECT_ROOT = Path(__file__).resolve().parent.parent
DBT = Path(sys.executable).parent / "dbt"


@pytest.fixture(scope="session")
def project_root() -> Path:
    return PROJECT_ROOT


def dbt_env(db_path: Path, target_path: Path) -> dict[str, str]:
    """Environment for a dbt subprocess writing only to `db_path` and `target_path`."""
    env = dict(os.environ)
    env.update(
        DO_NOT_TRACK="1",
        DBT_SEND_ANONYMOUS_USAGE_STATS="false",
        DBT_PROFILES_DIR=str(PROJECT_ROOT),
        SOCIAL_ML_DB=str(db_path),
        DBT_TARGET_PATH=str(target_path),
        DBT_LOG_PATH=str(target_path / "logs"),
    )
    return env


def run_dbt(
    args: list[str],
    db_path: Path,
    target_path: Path,
    dbt_vars: dict[str, object] | None = None,
) -> subprocess.CompletedProcess[str]:
    """Run one dbt command in the project against a private warehouse; fail loudly."""
    cmd = [str(DBT), *args]
    if dbt_vars:
        cmd += ["--vars", json.dumps(dbt_vars)]
    result = subprocess.run(
        cmd,
        cwd=PROJECT_ROOT,
        env=dbt_env(db_path, target_path),
        capture_output=True,
        text=True,
        check=False,
    )
    if result.returncode != 0:
        raise AssertionError(
            f"dbt {' '.join(args)} failed ({result.returncode}):\n{result.stdout[-6000:]}"
        )
    return result


@pytest.fixture(scope="session")
def dbt_runner() -> Callable[..., subprocess.CompletedProcess[str]]:
    """`dbt_runner(["build", "--select", "x"], db_path, target_path, vars)`."""
    return run_dbt
