"""An implicit-feedback (action-only) log trains, scores and evaluates.

A small log is generated and its impression rows deleted, so every clean event is an
engagement. negative_sampling (auto) then turns each user's first engagement with a
tweet into a positive request and samples negatives_per_positive live, unengaged
tweets per positive at the same time; the point-in-time features still use only the
events strictly before each request.
"""

from __future__ import annotations

import subprocess
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import duckdb
import pytest

from datagen.config import GenConfig
from datagen.generate import generate
from ml.config import EvaluateConfig, ScoreConfig, TrainConfig
from ml.evaluate import EvaluationResult, evaluate
from ml.score import ScoreResult, score
from ml.train import TrainResult, train

ML_MARTS = ["+path:models/marts/features", "+path:models/marts/similarity"]
ML_MARTS += ["+path:models/marts/training"]


@dataclass(frozen=True)
class ActionOnly:
    db: Path
    trained: TrainResult
    scored: ScoreResult
    evaluated: EvaluationResult


def drop_impressions(raw_dir: Path) -> None:
    events = raw_dir / "raw_events.parquet"
    kept = raw_dir / "kept.parquet"
    duckdb.execute(
        f"copy (select * from read_parquet('{events}')"
        " where lower(trim(coalesce(event_type, ''))) <> 'impression')"
        f" to '{kept}' (format parquet)"
    )
    kept.replace(events)


@pytest.fixture(scope="module")
def action_only(
    tmp_path_factory: pytest.TempPathFactory,
    dbt_runner: Callable[..., subprocess.CompletedProcess[str]],
) -> ActionOnly:
    root = tmp_path_factory.mktemp("action_only")
    raw = root / "raw"
    generate(GenConfig(users=800, tweets=1600, events=20000), raw, root / "truth", "parquet")
    drop_impressions(raw)
    db = root / "warehouse.duckdb"
    dbt_runner(["run", "--select", *ML_MARTS], db, root / "target", {"raw_data_dir": str(raw)})
    trained = train(db, root / "models", TrainConfig())
    scored = score(db, root / "models", ScoreConfig(k=10))
    evaluated = evaluate(db, EvaluateConfig(k=10))
    return ActionOnly(db, trained, scored, evaluated)


def _query(db: Path, sql: str) -> list[tuple[object, ...]]:
    with duckdb.connect(str(db), read_only=True) as con:
        return con.execute(sql).fetchall()


def test_the_log_has_no_impressions(action_only: ActionOnly) -> None:
    impressions = _query(
        action_only.db,
        "select count(*) from marts.fct_engagements where event_type = 'impression'",
    )
    assert impressions == [(0,)]


def test_training_rows_are_engagements_and_sampled_negatives(action_only: ActionOnly) -> None:
    kinds = dict(
        _query(
            action_only.db,
            "select request_kind, count(*) from intermediate.int_feature_requests"
            " where request_kind not in ('candidate', 'training_candidate')"
            " group by request_kind",
        )
    )
    assert set(kinds) == {"engagement", "sampled_negative"}
    # Up to 4 negatives per positive; rejections are rare with thousands of live tweets.
    assert 3.9 * kinds["engagement"] <= kinds["sampled_negative"] <= 4 * kinds["engagement"]
    labels = dict(
        _query(
            action_only.db,
            "select label, count(*) from marts.feat_training_set group by label",
        )
    )
    assert labels[1] == kinds["engagement"]
    assert labels[0] == kinds["sampled_negative"]


def test_sampled_negatives_are_live_and_not_engaged_within_the_horizon(
    action_only: ActionOnly,
) -> None:
    bad = _query(
        action_only.db,
        """
        select count(*)
        from intermediate.int_feature_requests as requests
        inner join marts.dim_tweets as tweets on requests.tweet_id = tweets.tweet_id
        where requests.request_kind = 'sampled_negative'
          and (
            tweets.created_at >= requests.request_at
            or tweets.deleted_at <= requests.request_at
            or exists (
              select 1 from marts.fct_engagements as e
              where e.is_engagement and e.user_id = requests.user_id
                and e.tweet_id = requests.tweet_id
                and e.event_at <= requests.request_at + interval 24 hour
            )
          )
        """,
    )
    assert bad == [(0,)]


def test_a_positives_own_engagement_is_not_in_its_features(action_only: ActionOnly) -> None:
    """f_user_engagements of a positive at T counts the user's engagements before T only."""
    mismatched = _query(
        action_only.db,
        """
        with expected as (
            select requests.request_id, count(e.event_id) as n
            from intermediate.int_feature_requests as requests
            left join marts.fct_engagements as e
              on e.user_id = requests.user_id and e.is_engagement and not e.is_bot_user
              and e.event_at < requests.request_at
            where requests.request_kind in ('engagement', 'sampled_negative')
            group by requests.request_id
        )
        select count(*)
        from expected
        inner join marts.feat_training_set as t on t.impression_id = expected.request_id
        where t.f_user_engagements <> expected.n
        """,
    )
    assert mismatched == [(0,)]


def test_it_trains_scores_and_evaluates(action_only: ActionOnly) -> None:
    assert action_only.trained.train_rows > 0
    assert action_only.scored.users_with_recommendations["serving"] > 0
    assert action_only.evaluated.users_evaluated > 0
