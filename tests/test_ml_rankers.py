"""The evaluation's building blocks by hand: bootstrap intervals (seeded, paired), the
simple rankers, and the ground-truth ranker's formula."""

from __future__ import annotations

import math
from datetime import datetime, timedelta
from pathlib import Path

import duckdb
import numpy as np
import pytest

from ml.bootstrap import Interval, mean_interval, resample_indices
from ml.config import EvaluateConfig
from ml.evaluate import evaluate
from ml.rankers import (
    Catalogue,
    first_k_unseen,
    ground_truth_lists,
    live_catalogue,
    random_lists,
    recent_popularity_order,
    truth_files_missing,
)
from ml.score import score
from ml.synthetic import build_synthetic_warehouse
from ml.train import train

T = datetime(2026, 1, 15)


# --- bootstrap -------------------------------------------------------------------------


def test_percentile_interval_by_hand() -> None:
    # Three resamples of two users: means 0, 1 and 0.5; the central 50% of them.
    indices = np.array([[0, 0], [1, 1], [0, 1]])
    interval = mean_interval(np.array([0.0, 1.0]), indices, confidence=0.5)
    assert interval == Interval(value=0.5, low=0.25, high=0.75)


def test_bootstrap_is_seeded() -> None:
    values = np.random.default_rng(1).random(50)
    first = mean_interval(values, resample_indices(50, 200, seed=3), 0.95)
    again = mean_interval(values, resample_indices(50, 200, seed=3), 0.95)
    other = mean_interval(values, resample_indices(50, 200, seed=4), 0.95)
    assert first == again
    assert first != other
    assert first.low < first.value < first.high


def test_a_constant_metric_has_a_point_interval() -> None:
    interval = mean_interval(np.full(10, 0.3), resample_indices(10, 100, seed=0), 0.95)
    assert interval.low == pytest.approx(0.3) and interval.high == pytest.approx(0.3)


def test_overlap() -> None:
    assert Interval(0.5, 0.4, 0.6).overlaps(Interval(0.7, 0.6, 0.8))
    assert not Interval(0.5, 0.4, 0.59).overlaps(Interval(0.7, 0.6, 0.8))


def test_bad_bootstrap_arguments_are_refused() -> None:
    with pytest.raises(ValueError, match="at least one user"):
        resample_indices(0, 10, seed=0)
    with pytest.raises(ValueError, match="confidence"):
        mean_interval(np.ones(2), resample_indices(2, 10, seed=0), confidence=1.0)
    with pytest.raises(ValueError, match="3 values for indices over 2 users"):
        mean_interval(np.ones(3), resample_indices(2, 10, seed=0), confidence=0.9)


# --- simple rankers --------------------------------------------------------------------


def test_first_k_unseen_skips_each_users_own_items() -> None:
    lists = first_k_unseen([5, 4, 3, 2, 1], [1, 2], {1: {5, 3}}, k=2)
    assert lists == {1: [4, 2], 2: [5, 4]}


def test_random_lists_are_seeded_per_user_and_skip_seen() -> None:
    catalogue = Catalogue(np.arange(100, 200), np.zeros(100), (None,) * 100)
    seen = {1: set(range(100, 150))}
    alone = random_lists(catalogue, [1], seen, k=10, seed=0)
    together = random_lists(catalogue, [2, 1, 3], seen, k=10, seed=0)
    assert alone[1] == together[1]  # other users do not move user 1's draw
    assert len(set(alone[1])) == 10 and not set(alone[1]) & seen[1]
    assert random_lists(catalogue, [1], seen, k=10, seed=1)[1] != alone[1]


@pytest.fixture
def con():
    connection = duckdb.connect()
    connection.execute("create schema marts")
    connection.execute(
        "create table marts.dim_tweets (tweet_id bigint, created_at timestamp,"
        " deleted_at timestamp, topic varchar)"
    )
    connection.executemany(
        "insert into marts.dim_tweets values (?, ?, ?, ?)",
        [
            (1, T - timedelta(days=3), None, "tech"),
            (2, T - timedelta(days=2), None, None),
            (3, T - timedelta(days=1), T, "tech"),  # deleted at T: not live
            (4, T, None, "tech"),  # created at T: not yet
        ],
    )
    connection.execute(
        "create table marts.fct_engagements (user_id bigint, tweet_id bigint,"
        " event_at timestamp, is_engagement boolean, is_bot_user boolean)"
    )
    connection.executemany(
        "insert into marts.fct_engagements values (?, ?, ?, true, ?)",
        [
            # Tweet 1: two engagements 48 h before T (2 * 0.25 with a 24 h half-life).
            (7, 1, T - timedelta(hours=48), False),
            (8, 1, T - timedelta(hours=48), False),
            # Tweet 2: one engagement 12 h before T (0.707), a bot's, one at T.
            (7, 2, T - timedelta(hours=12), False),
            (9, 2, T - timedelta(hours=1), True),
            (8, 2, T, False),
            (7, 3, T - timedelta(hours=1), False),
        ],
    )
    yield connection
    connection.close()


def test_live_catalogue_and_recent_popularity_by_hand(con) -> None:
    catalogue = live_catalogue(con, T)
    assert catalogue.tweet_ids.tolist() == [1, 2]
    assert catalogue.age_hours.tolist() == [72.0, 48.0]
    assert catalogue.topics == ("tech", None)
    # 0.707 beats 0.5 with a 24 h half-life; with 96 h, 2 * 0.707 = 1.41 beats 0.917.
    assert recent_popularity_order(con, T, catalogue, 24.0) == [2, 1]
    assert recent_popularity_order(con, T, catalogue, 96.0) == [1, 2]


def _write_truth(directory: Path, preferences: list[str], tweets: list[str]) -> Path:
    directory.mkdir(parents=True, exist_ok=True)
    (directory / "user_preferences.csv").write_text(
        '"user_id","topic","weight"\n' + "\n".join(preferences) + "\n"
    )
    (directory / "tweet_topics.csv").write_text(
        '"tweet_id","latent_topic","quality"\n' + "\n".join(tweets) + "\n"
    )
    return directory


def test_ground_truth_ranks_by_the_generators_logit_terms(tmp_path: Path) -> None:
    truth = _write_truth(
        tmp_path / "truth",
        ['1,"tech",0.6', '1,"news",0.3'],
        ['10,"tech",0.5', '11,"news",0.5', '12,"news",0.9', '13,"tech",0.5'],
    )
    catalogue = Catalogue(
        np.array([10, 11, 12, 13, 14]),
        np.array([6.0, 6.0, 6.0, 6.0, 1.0]),
        ("tech", "news", "news", None, "tech"),
    )
    lists, why_not = ground_truth_lists(truth, catalogue, [1], {1: {13}}, k=3)
    assert why_not == ""
    # Same age everywhere: 3.2 * affinity + 0.9 * logit(quality). tech (affinity 1):
    # 3.2; news (0.5): 1.6, and 12 adds 0.9 * ln 9 = 1.98 (3.58, first). 13 was seen; 14
    # has no ground truth.
    scores = {10: 3.2, 11: 1.6, 12: 1.6 + 0.9 * math.log(9)}
    assert lists == {1: sorted(scores, key=lambda t: -scores[t])}


def test_ground_truth_of_another_log_is_skipped_with_a_reason(tmp_path: Path) -> None:
    assert truth_files_missing(None).startswith("no ground-truth directory")
    assert "has no user_preferences.csv" in truth_files_missing(tmp_path)
    catalogue = Catalogue(np.array([10, 11]), np.array([1.0, 1.0]), ("tech", "tech"))
    # Other users.
    truth = _write_truth(tmp_path / "a", ['99,"tech",1.0'], ['10,"tech",0.5'])
    lists, why_not = ground_truth_lists(truth, catalogue, [1, 2], {}, k=3)
    assert lists == {} and "does not describe this warehouse (0 of 2 users" in why_not
    # The same integer ids, but another log: the latent topics disagree.
    truth = _write_truth(tmp_path / "b", ['1,"news",1.0'], ['10,"news",0.5', '11,"sport",0.5'])
    lists, why_not = ground_truth_lists(truth, catalogue, [1], {}, k=3)
    assert lists == {} and "match the warehouse's topics on 0 of 2 live tweets" in why_not
    # Text ids (the warehouse hashes them).
    truth = _write_truth(tmp_path / "c", ['"u-1","news",1.0'], ['"t-10","news",0.5'])
    lists, why_not = ground_truth_lists(truth, catalogue, [1], {}, k=3)
    assert lists == {} and "cannot be read: invalid literal for int()" in why_not


# --- the whole evaluation on synthetic marts -------------------------------------------


@pytest.fixture(scope="module")
def scored_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("rankers")
    db = build_synthetic_warehouse(root / "w.duckdb")
    train(db, root / "models")
    score(db)
    return db


def test_every_ranker_on_the_same_users_with_intervals(scored_db: Path) -> None:
    config = EvaluateConfig(k=10, bootstrap_resamples=200)
    first = evaluate(scored_db, config)
    again = evaluate(scored_db, config)
    assert first.rankers == again.rankers  # seeded: the same figures
    assert set(first.rankers) == {
        "model", "global_popularity", "recent_popularity", "item_knn", "random",
    }
    assert first.skipped["ground_truth"].startswith("no ground-truth directory")
    for metrics in first.rankers.values():
        for interval in metrics.values():
            assert interval.low <= interval.value <= interval.high
    assert first.candidate_recall_at["combined"][200].value == pytest.approx(
        first.candidate_recall
    )
    with duckdb.connect(str(scored_db), read_only=True) as con:
        rows = con.execute(
            "select ranker, count(*), min(users_evaluated), max(users_evaluated)"
            " from ml.ranking_evaluations group by ranker order by ranker"
        ).fetchall()
    rankers = {r[0]: r[1:] for r in rows}
    assert rankers["model"] == (4, first.users_evaluated, first.users_evaluated)
    # Candidate recall at N = 50, 100, 200 per source and combined.
    assert rankers["candidates:combined"][0] == 3
    assert rankers["candidates:item_similarity"][0] == 3
