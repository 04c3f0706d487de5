"""Which engagements count as relevant in the ranking evaluation: those at or after
the cut-off and, with a horizon, strictly before cut-off + horizon, on tweets live at
the cut-off that the user had not engaged with before it. A window without any is said
to be empty and is not an error."""

from __future__ import annotations

import shutil
from datetime import datetime, timedelta
from pathlib import Path

import duckdb
import pytest

from ml.cli import main
from ml.config import EvaluateConfig
from ml.db import connect
from ml.evaluate import backtest_cutoff, evaluate, nothing_to_evaluate, relevant_items
from ml.score import score
from ml.synthetic import build_synthetic_warehouse
from ml.train import train

CUTOFF = datetime(2026, 10, 21)


@pytest.fixture
def con(tmp_path: Path):
    connection = duckdb.connect(str(tmp_path / "w.duckdb"))
    connection.execute("create schema marts")
    connection.execute(
        "create table marts.fct_engagements (user_id bigint, tweet_id bigint,"
        " event_at timestamp, is_engagement boolean, is_bot_user boolean)"
    )
    rows = [
        (1, 10, CUTOFF - timedelta(seconds=1), True, False),  # before: never relevant
        (1, 11, CUTOFF, True, False),  # at the cut-off: relevant
        (1, 12, CUTOFF + timedelta(hours=23, minutes=59), True, False),
        (1, 13, CUTOFF + timedelta(hours=24), True, False),  # at the horizon: excluded
        (1, 14, CUTOFF + timedelta(hours=1), False, False),  # an impression
        (2, 15, CUTOFF + timedelta(hours=1), True, True),  # a bot
        (1, 10, CUTOFF + timedelta(hours=1), True, False),  # engaged before: seen
        (1, 16, CUTOFF + timedelta(hours=1), True, False),  # created after the cut-off
        (1, 17, CUTOFF + timedelta(hours=1), True, False),  # deleted at the cut-off
        (1, 18, CUTOFF + timedelta(hours=1), True, False),  # deleted after it: live
    ]
    connection.executemany("insert into marts.fct_engagements values (?, ?, ?, ?, ?)", rows)
    connection.execute(
        "create table marts.dim_tweets (tweet_id bigint, created_at timestamp,"
        " deleted_at timestamp)"
    )
    made = CUTOFF - timedelta(days=1)
    tweets = [(t, made, None) for t in (10, 11, 12, 13, 14, 15)] + [
        (16, CUTOFF + timedelta(minutes=1), None),
        (17, made, CUTOFF),
        (18, made, CUTOFF + timedelta(minutes=30)),
    ]
    connection.executemany("insert into marts.dim_tweets values (?, ?, ?)", tweets)
    yield connection
    connection.close()


def test_without_horizon_everything_after_the_cutoff_counts(con) -> None:
    assert relevant_items(con, CUTOFF, exclude_bots=True) == {1: {11, 12, 13, 18}}


def test_horizon_is_half_open(con) -> None:
    assert relevant_items(con, CUTOFF, exclude_bots=True, horizon_hours=24) == {
        1: {11, 12, 18}
    }


def test_bots_count_only_when_asked(con) -> None:
    assert relevant_items(con, CUTOFF, exclude_bots=False, horizon_hours=24) == {
        1: {11, 12, 18},
        2: {15},
    }


# --- An empty held-out window: said so, and not an error -----------------------------


@pytest.fixture(scope="module")
def scored_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Synthetic marts with a trained and scored model (ml.synthetic)."""
    root = tmp_path_factory.mktemp("evaluate_window")
    db = build_synthetic_warehouse(root / "scored.duckdb")
    train(db, root / "models")
    score(db)
    return db


@pytest.fixture
def db(scored_db: Path, tmp_path: Path) -> Path:
    path = tmp_path / "warehouse.duckdb"
    shutil.copy(scored_db, path)
    return path


def _empty_the_held_out_window(db: Path) -> datetime:
    with connect(db) as con:
        cutoff = backtest_cutoff(con)
        con.execute("delete from marts.fct_engagements where event_at >= ?", [cutoff])
    return cutoff


def _evaluations(db: Path) -> dict[str, tuple[object, object]]:
    with connect(db, read_only=True) as con:
        rows = con.execute(
            "select metric, model_value, baseline_value from ml.evaluations"
        ).fetchall()
    return {metric: (model, baseline) for metric, model, baseline in rows}


def test_the_fixture_has_users_to_evaluate(db: Path) -> None:
    result = evaluate(db)
    assert result.users_evaluated > 0
    assert result.nothing_to_evaluate == ""


def test_an_empty_held_out_window_says_so_and_returns(db: Path) -> None:
    cutoff = _empty_the_held_out_window(db)
    result = evaluate(db)
    assert result.nothing_to_evaluate == (
        f"no non-bot users with engagements in the held-out window (from {cutoff} on) on "
        "tweets live at the cut-off that they had not engaged with before: nothing to evaluate"
    )
    assert (result.users_evaluated, result.baseline_users_evaluated) == (0, 0)
    assert result.model == {name: None for name in EvaluateConfig().metrics}
    assert result.candidate_recall is None
    # Recorded: the evaluation ran and counted nobody.
    rows = _evaluations(db)
    assert rows["users_evaluated"] == (0, 0)
    assert rows["ndcg_at_k"] == (None, None)


def test_an_empty_horizon_names_its_length(db: Path) -> None:
    with connect(db) as con:
        cutoff = backtest_cutoff(con)
        con.execute(
            "delete from marts.fct_engagements where event_at >= ? and event_at < ?",
            [cutoff, cutoff + timedelta(hours=6)],
        )
    result = evaluate(db, EvaluateConfig(horizon_hours=6))
    assert result.nothing_to_evaluate == (
        f"no non-bot users with engagements in the held-out window (from {cutoff} for 6 h) "
        "on tweets live at the cut-off that they had not engaged with before: nothing to "
        "evaluate"
    )
    assert evaluate(db, EvaluateConfig(horizon_hours=None)).users_evaluated > 0


def test_no_backtest_candidates_is_nothing_to_evaluate(db: Path) -> None:
    with connect(db) as con:
        con.execute("delete from marts.feat_scoring_candidates where scope = 'backtest'")
    result = evaluate(db)
    assert result.cutoff is None and result.users_evaluated == 0
    assert result.nothing_to_evaluate.startswith("no backtest candidates")
    assert result.nothing_to_evaluate.endswith(": nothing to evaluate")


def test_nothing_to_evaluate_is_empty_once_a_user_counts() -> None:
    config = EvaluateConfig(exclude_bot_users=False)
    message = nothing_to_evaluate(CUTOFF, config, {}, users_evaluated=0)
    assert message == (
        "no users with engagements in the held-out window (from 2026-10-21 00:00:00 on) on "
        "tweets live at the cut-off that they had not engaged with before: nothing to evaluate"
    )
    assert nothing_to_evaluate(CUTOFF, config, {7: {70}}, users_evaluated=1) == ""


def test_the_cli_prints_the_message_and_succeeds(
    db: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _empty_the_held_out_window(db)
    assert main(["evaluate", "--db", str(db)]) == 0
    assert "nothing to evaluate" in capsys.readouterr().out.splitlines()[-1]


def test_the_dagster_asset_succeeds_on_an_empty_window(db: Path, tmp_path: Path) -> None:
    from dagster import materialize

    from orchestration.ml_assets import EVALUATIONS_KEY, ranking_evaluation
    from orchestration.resources import WarehouseResource

    _empty_the_held_out_window(db)
    warehouse = WarehouseResource(db_path=str(db), models_dir=str(tmp_path / "models"))
    run = materialize([ranking_evaluation], resources={"warehouse": warehouse})
    assert run.success
    [materialization] = run.asset_materializations_for_node(ranking_evaluation.op.name)
    assert materialization.asset_key == EVALUATIONS_KEY
    metadata = materialization.metadata
    assert metadata["users_evaluated"].value == 0
    assert str(metadata["nothing_to_evaluate"].value).endswith("nothing to evaluate")
