"""Shared pytest fixtures: where the project lives and how to run dbt against a
throw-away warehouse, so no test ever writes the developer's own DuckDB file."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import duckdb
import pytest

from ml.config import ScoreConfig, TrainConfig
from ml.score import ScoreResult, score
from ml.train import TrainResult, train

PROJECT_ROOT = Path(__file__).resolve().parent.parent
DBT = Path(sys.executable).parent / "dbt"
# Reconciliation: raw table -> the staging models that together hold every one of its rows.
ACCOUNTED = {
    "users": ["stg_social__users", "stg_social__users_quarantine"],
    "tweets": ["stg_social__tweets", "stg_social__tweets_quarantine"],
    "follows": ["stg_social__follows", "stg_social__follows_quarantine"],
    "events": [
        "stg_social__events",
        "stg_social__events_quarantine",
        "stg_social__events_duplicates",
    ],
    "app_logs": ["stg_social__app_logs", "stg_social__app_logs_quarantine"],
}


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """`make test` spreads the suite over the cores (pytest-xdist, --dist loadfile: a
    module's tests share a worker, so the warehouses its module fixtures build are built
    once). With --no-loadscope-reorder, workers take modules in collection order (xdist
    would otherwise take the modules with most tests first): the longest (marked `long`)
    go first, so the run does not end with one worker on a long module and the other
    idle."""
    items.sort(key=lambda item: item.get_closest_marker("long") is None)


@pytest.fixture(scope="session")
def project_root() -> Path:
    return PROJECT_ROOT


@pytest.fixture(scope="session", autouse=True)
def private_serving_dir(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """Serving snapshots that a test publishes (a Dagster job that reaches the serving
    asset, in-process or in a child) go to a temporary folder, never the project's."""
    folder = tmp_path_factory.mktemp("serving")
    previous = os.environ.get("SOCIAL_ML_SERVING_DIR")
    os.environ["SOCIAL_ML_SERVING_DIR"] = str(folder)
    yield folder
    if previous is None:
        os.environ.pop("SOCIAL_ML_SERVING_DIR", None)
    else:
        os.environ["SOCIAL_ML_SERVING_DIR"] = previous


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


def private_dbt_target(monkeypatch: pytest.MonkeyPatch, db_path: Path, folder: Path) -> Path:
    """Point Dagster's dbt steps at a target folder of the test's own, parsed once.

    dagster-dbt writes each dbt call under DBT_TARGET_PATH (read per call) and seeds it
    with the partial_parse.msgpack found there. The project's own one was parsed for
    another warehouse path, which dbt counts as a changed profile: every call parsed the
    project from scratch (~11 s). One `dbt parse` here, for the test's warehouse and in the
    environment the test has set up (raw directory), lets its dbt steps parse partially
    (~1.5 s), and keeps their runs out of the project's target/. Calls with other --vars
    still parse in full."""
    target = folder / "dbt_target"
    monkeypatch.setenv("DBT_TARGET_PATH", str(target))
    run_dbt(["parse", "--quiet"], db_path, target)
    return target


@pytest.fixture(scope="session")
def dbt_runner() -> Callable[..., subprocess.CompletedProcess[str]]:
    """`dbt_runner(["build", "--select", "x"], db_path, target_path, vars)`."""
    return run_dbt


# The ML marts (features, similarity, training) and everything upstream, without tests:
# the pytest suites that check them read the built tables.
ML_MARTS_SELECT = [
    "--select",
    "+path:models/marts/features",
    "+path:models/marts/similarity",
    "+path:models/marts/training",
    "+path:models/marts/serving",
]


def build_ml_marts(
    db_path: Path,
    target_path: Path,
    after_seed: Callable[[Path], None] | None = None,
) -> None:
    """Seed a private warehouse and run the ML marts and their parents into it.

    `after_seed(db_path)` may rewrite the raw tables before the models run (the
    leakage test changes future events that way).
    """
    run_dbt(["seed"], db_path, target_path)
    if after_seed is not None:
        after_seed(db_path)
    run_dbt(["run", *ML_MARTS_SELECT], db_path, target_path)


@pytest.fixture(scope="session")
def ml_marts_builder() -> Callable[..., None]:
    """`ml_marts_builder(db_path, target_path, after_seed=None)`: see build_ml_marts."""
    return build_ml_marts


@pytest.fixture(scope="session")
def ml_warehouse(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A warehouse with the ML marts built from the checked-in seeds, once per session.

    Shared (read-only) by tests/test_similarity*.py and tests/test_leakage.py.
    """
    root = tmp_path_factory.mktemp("ml_warehouse")
    db_path = root / "warehouse.duckdb"
    build_ml_marts(db_path, root / "target")
    return db_path


@dataclass(frozen=True)
class ScoredWarehouse:
    """The session's ML-marts warehouse after monitoring (before any model), train and
    score, as production runs them: what the end-to-end and serving suites start from."""

    db: Path
    models: Path
    trained: TrainResult
    scored: ScoreResult
    monitoring_before_ml: int


# The monitoring reports (built once before any model exists, once after).
MONITORING = "path:models/marts/monitoring"


@pytest.fixture(scope="session")
def scored_warehouse(
    ml_warehouse: Path, tmp_path_factory: pytest.TempPathFactory
) -> ScoredWarehouse:
    """A private copy of ml_warehouse, trained and scored once per session. Tests that
    write to it copy it first (tests/test_ml_end_to_end.py); the rest only read."""
    root = tmp_path_factory.mktemp("scored_warehouse")
    db, target = root / "warehouse.duckdb", root / "target"
    shutil.copy(ml_warehouse, db)
    # The monitoring models before any model exists (the hook creates the ml tables).
    run_dbt(["build", "--select", MONITORING], db, target)
    with duckdb.connect(str(db), read_only=True) as con:
        rows_before = con.execute("select count(*) from marts.rpt_feature_drift").fetchall()[0][0]
    trained = train(db, root / "models", TrainConfig())
    scored = score(db, root / "models", ScoreConfig(k=10))
    return ScoredWarehouse(db, root / "models", trained, scored, int(rows_before))


def batch_serving_top_k(
    con: duckdb.DuckDBPyConnection, model_version: int, users: int | None = None
) -> dict[str, list[tuple[str, float]]]:
    """ml.recommendations' serving lists of `model_version` under the log's own ids:
    user_key -> [(tweet_key, score), ...] best first; `users` draws that many users by
    a fixed hash (None: all)."""
    drawn = (
        "and recs.user_id in (select distinct user_id from ml.recommendations"
        " order by hash(user_id, 'serving-recs'), user_id limit ?)"
        if users is not None
        else ""
    )
    rows = con.execute(
        f"""
        select users.user_key, tweets.tweet_key, recs.score
        from ml.recommendations as recs
        inner join marts.dim_users as users on recs.user_id = users.user_id
        inner join marts.dim_tweets as tweets on recs.tweet_id = tweets.tweet_id
        where recs.model_version = ? and recs.scope = 'serving' {drawn}
        order by users.user_key, recs.rank
        """,
        [model_version] + ([users] if users is not None else []),
    ).fetchall()
    lists: dict[str, list[tuple[str, float]]] = {}
    for user, tweet, score_ in rows:
        lists.setdefault(user, []).append((tweet, score_))
    return lists
