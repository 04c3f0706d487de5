"""Metric functions against small hand-computed examples: ranking metrics, calibration,
the CTR baseline and PSI."""

from __future__ import annotations

import math

import numpy as np
import pytest

from ml.baseline import CtrBaseline
from ml.metrics import calibration_table, classification_metrics, expected_calibration_error
from ml.psi import assign_bins, psi, psi_status, reference_bin_edges
from ml.ranking_metrics import (
    average_precision_at_k,
    map_at_k,
    ndcg_at_k,
    per_user_values,
    precision_at_k,
    recall_at_k,
)

LOG2_3 = math.log2(3)


# --- ranking metrics -----------------------------------------------------------------


def test_precision_divides_by_k_even_for_a_short_list() -> None:
    assert precision_at_k([1, 2, 3], {2, 5}, 3) == pytest.approx(1 / 3)
    # One recommendation, and it is a hit: still 1 / k.
    assert precision_at_k([2], {2}, 5) == pytest.approx(0.2)


def test_recall_divides_by_all_relevant_items() -> None:
    assert recall_at_k([1, 2, 3], {2, 5}, 3) == pytest.approx(0.5)
    # More relevant items than k: a perfect list still has recall below 1.
    assert recall_at_k([1, 2], {1, 2, 3, 4}, 2) == pytest.approx(0.5)


def test_ndcg_binary_gain_log2_discount() -> None:
    # Hit at position 2 only: DCG = 1/log2(3); IDCG (2 relevant, k=3) = 1 + 1/log2(3).
    expected = (1 / LOG2_3) / (1 + 1 / LOG2_3)
    assert ndcg_at_k([1, 2, 3], {2, 5}, 3) == pytest.approx(expected)
    assert ndcg_at_k([2, 5, 3], {2, 5}, 3) == pytest.approx(1.0)


def test_ndcg_ideal_is_capped_at_k() -> None:
    # Five relevant items, k = 2, both recommendations hit: the ideal list also has 2.
    assert ndcg_at_k([1, 2], {1, 2, 3, 4, 5}, 2) == pytest.approx(1.0)


def test_ndcg_counts_only_the_first_k_positions() -> None:
    assert ndcg_at_k([9, 8, 1], {1}, 2) == 0.0


def test_average_precision_at_k_normalises_by_min_relevant_k() -> None:
    assert average_precision_at_k([1, 2, 3], {2, 5}, 3) == pytest.approx((1 / 2) / 2)
    assert average_precision_at_k(["a", "b", "c", "d"], {"a", "c"}, 4) == pytest.approx(
        (1 / 1 + 2 / 3) / 2
    )
    # |relevant| = 5 > k = 2: two hits in a row is perfect.
    assert map_at_k([1, 2], {1, 2, 3, 4, 5}, 2) == pytest.approx(1.0)


def test_user_without_hits_scores_zero_everywhere() -> None:
    for metric in (precision_at_k, recall_at_k, ndcg_at_k, map_at_k):
        assert metric([7, 8, 9], {1, 2}, 3) == 0.0


def test_invalid_inputs_are_refused() -> None:
    with pytest.raises(ValueError, match="not counted"):
        precision_at_k([1], set(), 1)
    with pytest.raises(ValueError, match="unique"):
        ndcg_at_k([1, 1], {1}, 2)
    with pytest.raises(ValueError, match="k must be"):
        recall_at_k([1], {1}, 0)


def test_every_user_with_relevant_items_counts_and_a_missing_list_scores_zero() -> None:
    recommendations = {
        "hit": [1, 2],  # precision@2 = 1/2
        "miss": [3, 4],  # contributes 0
        "no_relevant": [5],  # not asked for: nothing relevant
    }
    relevant = {"hit": {1}, "miss": {9}, "no_list": {1}}
    users = ["hit", "miss", "no_list"]
    assert per_user_values(precision_at_k, recommendations, relevant, users, 2) == [0.5, 0, 0]
    assert per_user_values(ndcg_at_k, {}, relevant, ["no_list"], 10) == [0.0]


# --- classification metrics and calibration --------------------------------------------


def test_calibration_table_and_ece_by_hand() -> None:
    y = np.array([0, 1, 0, 1])
    p = np.array([0.05, 0.15, 0.15, 1.0])
    table = calibration_table(y, p, 10)
    assert [row.count for row in table] == [1, 2, 0, 0, 0, 0, 0, 0, 0, 1]
    assert table[1].mean_predicted == pytest.approx(0.15)
    assert table[1].observed_rate == pytest.approx(0.5)
    assert table[2].mean_predicted is None
    # 1/4 * |0.05 - 0| + 2/4 * |0.15 - 0.5| + 1/4 * |1 - 1|
    assert expected_calibration_error(y, p, 10) == pytest.approx(0.1875)


def test_classification_metrics_need_both_classes() -> None:
    with pytest.raises(ValueError, match="both classes"):
        classification_metrics(np.array([1, 1]), np.array([0.2, 0.9]))
    metrics = classification_metrics(np.array([0, 1, 0, 1]), np.array([0.1, 0.4, 0.4, 0.8]))
    assert metrics["roc_auc"] == pytest.approx(0.875)  # a tie counts one half


def test_ctr_baseline_by_hand() -> None:
    baseline = CtrBaseline.fit(
        np.array([1, 1, 2]), np.array([10, 11, 10]), np.array([1, 0, 0]), prior_strength=2.0
    )
    g = 1 / 3
    user_1 = (1 + 2 * g) / (2 + 2)
    tweet_10 = (1 + 2 * g) / (2 + 2)
    assert baseline.global_ctr == pytest.approx(g)
    predicted = baseline.predict(np.array([1, 99]), np.array([10, 10]))
    assert predicted[0] == pytest.approx(user_1 * tweet_10 / g)
    # An unseen user is neutral: only the tweet's smoothed CTR remains.
    assert predicted[1] == pytest.approx(tweet_10)


def test_ctr_baseline_predict_equals_a_lookup_per_row() -> None:
    rng = np.random.default_rng(3)
    users, tweets = rng.integers(0, 50, 400), rng.integers(1000, 1100, 400)
    baseline = CtrBaseline.fit(users, tweets, rng.integers(0, 2, 400), prior_strength=5.0)
    # Ids seen and unseen in training (ids above 50 / 1100 were never seen).
    new_users, new_tweets = rng.integers(0, 80, 300), rng.integers(990, 1150, 300)
    g = baseline.global_ctr
    expected = np.clip(
        np.array([baseline.user_ctr.get(int(u), g) for u in new_users])
        * np.array([baseline.tweet_ctr.get(int(t), g) for t in new_tweets])
        / g,
        1e-6,
        1 - 1e-6,
    )
    assert np.array_equal(baseline.predict(new_users, new_tweets), expected)


# --- PSI -------------------------------------------------------------------------------

REFERENCE = np.arange(1, 11, dtype=np.float64)


def test_reference_edges_are_linear_deciles() -> None:
    np.testing.assert_allclose(reference_bin_edges(REFERENCE), 1.0 + 0.9 * np.arange(1, 10))


def test_bins_put_edge_values_in_the_lower_bin_and_nulls_in_bin_zero() -> None:
    edges = np.array([2.0, 4.0])
    bins = assign_bins(np.array([1.0, 2.0, 2.5, 4.0, 9.0, np.nan]), edges)
    assert bins.tolist() == [1, 1, 2, 2, 3, 0]


def test_psi_hand_computed_collapsed_distribution() -> None:
    current = np.array([1, 1, 1, 1, 1, 2, 2, 2, 2, 2], dtype=np.float64)
    # bins 1, 2: 10% -> 50%; bins 3..10: 10% -> 0 floored at 0.0001.
    expected = 2 * (0.1 - 0.5) * math.log(0.1 / 0.5) + 8 * (0.1 - 0.0001) * math.log(0.1 / 0.0001)
    assert psi(REFERENCE, current) == pytest.approx(expected)
    assert psi(REFERENCE, current) == pytest.approx(6.808228348909805)


def test_psi_counts_a_change_in_missing_rate() -> None:
    current = np.array([1, 2, 3, 4, 5, 6, 7, 8, 9, np.nan])
    assert psi(REFERENCE, current) == pytest.approx(2 * 0.0999 * math.log(1000))


def test_psi_zero_for_the_same_distribution() -> None:
    assert psi(REFERENCE, REFERENCE.copy()) == pytest.approx(0.0)


def test_shifted_distribution_raises_psi_past_the_alert_threshold() -> None:
    rng = np.random.default_rng(0)
    reference = rng.normal(0.0, 1.0, 5000)
    same = rng.normal(0.0, 1.0, 5000)
    shifted = rng.normal(0.6, 1.0, 5000)
    assert psi_status(psi(reference, same)) == "ok"
    assert psi(reference, shifted) >= 0.25
    assert psi_status(psi(reference, shifted)) == "alert"
    assert psi_status(0.1) == "warn"
    assert psi_status(0.0999) == "ok"
