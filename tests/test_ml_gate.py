"""The quality gate's statistics (ml.gate) on synthetic arrays whose answer is known."""

from __future__ import annotations

import numpy as np
import pytest
from sklearn.metrics import log_loss, roc_auc_score

from ml.config import QualityGateConfig
from ml.gate import _draw_counts, _TieGroups, judge, paired_bootstrap, roc_auc, row_log_loss


def _sigmoid(x: np.ndarray) -> np.ndarray:
    return 1.0 / (1.0 + np.exp(-x))


def _validation(rows: int, seed: int = 0) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Labels, a model that separates them well and a baseline that barely does."""
    rng = np.random.default_rng(seed)
    labels = (rng.random(rows) < 0.35).astype(np.int64)
    model = _sigmoid(-1.0 + 2.0 * labels + rng.normal(0.0, 1.0, rows))
    baseline = _sigmoid(-0.7 + 0.3 * labels + rng.normal(0.0, 1.0, rows))
    return labels, model, baseline


def test_roc_auc_and_log_loss_are_sklearns_with_ties() -> None:
    rng = np.random.default_rng(1)
    labels = rng.integers(0, 2, 500)
    scores = np.round(rng.random(500) * 0.6 + 0.3 * labels, 1)  # few values: many ties
    assert roc_auc(labels, scores) == pytest.approx(roc_auc_score(labels, scores), abs=1e-12)
    assert row_log_loss(labels, scores).mean() == pytest.approx(log_loss(labels, scores))


def test_a_resample_roc_auc_equals_sklearn_on_the_drawn_rows() -> None:
    """The weighted Mann-Whitney U over counts is the ROC AUC of the rows repeated."""
    rng = np.random.default_rng(2)
    labels = rng.integers(0, 2, 300)
    scores = np.round(rng.random(300) + 0.4 * labels, 2)
    positive = labels.astype(bool)
    pos_counts = _draw_counts(rng, int(positive.sum()), 5).astype(np.float64)
    neg_counts = _draw_counts(rng, int((~positive).sum()), 5).astype(np.float64)
    assert (pos_counts.sum(axis=1) == positive.sum()).all()
    got = _TieGroups(scores, positive).auc(pos_counts, neg_counts)
    for b in range(5):
        repeated_scores = np.concatenate(
            [
                np.repeat(scores[positive], pos_counts[b].astype(int)),
                np.repeat(scores[~positive], neg_counts[b].astype(int)),
            ]
        )
        repeated_labels = np.repeat([1, 0], [int(pos_counts[b].sum()), int(neg_counts[b].sum())])
        assert got[b] == pytest.approx(roc_auc_score(repeated_labels, repeated_scores), abs=1e-12)


def test_interval_width_matches_the_delong_and_normal_standard_errors() -> None:
    """Against a constant baseline (ROC AUC 0.5 in every resample) the ROC AUC interval
    is the model's own: its half-width is ~1.96 DeLong standard errors. The log loss
    interval is ~1.96 standard errors of the label-stratified mean of per-row gains."""
    labels, model, _ = _validation(2_000, seed=3)
    baseline = np.full(len(labels), 0.35)
    auc, loss = paired_bootstrap(labels, model, baseline, 2_000, 0.95, seed=0)
    assert auc.baseline == 0.5

    pos, neg = model[labels == 1], model[labels == 0]
    psi = (pos[:, None] > neg[None, :]) + 0.5 * (pos[:, None] == neg[None, :])
    placements_pos, placements_neg = psi.mean(axis=1), psi.mean(axis=0)
    delong_se = np.sqrt(
        placements_pos.var(ddof=1) / len(pos) + placements_neg.var(ddof=1) / len(neg)
    )
    assert (auc.upper - auc.lower) / 2 == pytest.approx(1.96 * delong_se, rel=0.1)
    assert auc.lower < auc.improvement < auc.upper

    gain = row_log_loss(labels, baseline) - row_log_loss(labels, model)
    by_label = [gain[labels == k] for k in (0, 1)]
    stratified_se = np.sqrt(sum(len(g) * g.var() for g in by_label)) / len(gain)
    assert (loss.upper - loss.lower) / 2 == pytest.approx(1.96 * stratified_se, rel=0.1)
    assert loss.improvement == pytest.approx(gain.mean())


def test_a_clearly_better_model_passes() -> None:
    labels, model, baseline = _validation(3_000)
    decision = judge(labels, model, baseline, QualityGateConfig(), seed=0)
    assert decision.passed, decision.reason
    auc = decision.interval("roc_auc")
    assert auc is not None and 0 < auc.lower < auc.improvement < auc.upper
    assert auc.model == pytest.approx(roc_auc_score(labels, model))
    loss = decision.interval("log_loss")
    assert loss is not None and loss.lower > 0
    assert decision.reason.startswith("passed: model vs baseline on 3000 validation rows (")
    assert "95% paired bootstrap interval of the improvement (1000 resamples, seed 0;" in (
        decision.reason
    )
    assert f"improvement {auc.improvement:+.4f} [{auc.lower:+.4f}, {auc.upper:+.4f}] (better)" in (
        decision.reason
    )


def test_a_model_identical_to_the_baseline_fails() -> None:
    labels, model, _ = _validation(3_000)
    decision = judge(labels, model, model.copy(), QualityGateConfig(), seed=0)
    assert not decision.passed
    assert all((i.lower, i.improvement, i.upper) == (0, 0, 0) for i in decision.intervals)
    assert decision.reason.startswith("failed: model vs baseline")
    assert "roc_auc" in decision.reason and "(not shown better)" in decision.reason


def test_a_model_as_good_as_the_baseline_fails() -> None:
    """Same signal, independent noise: the true improvement is zero."""
    rng = np.random.default_rng(4)
    labels = (rng.random(3_000) < 0.35).astype(np.int64)
    model = _sigmoid(-1.0 + 1.0 * labels + rng.normal(0.0, 1.0, 3_000))
    baseline = _sigmoid(-1.0 + 1.0 * labels + rng.normal(0.0, 1.0, 3_000))
    decision = judge(labels, model, baseline, QualityGateConfig(), seed=0)
    assert not decision.passed
    auc = decision.interval("roc_auc")
    assert auc is not None and auc.lower < 0 < auc.upper


def test_a_better_model_on_a_small_validation_is_not_shown_better() -> None:
    """The point estimate is better, but 150 rows cannot tell: the interval decides."""
    rng = np.random.default_rng(5)
    labels = (rng.random(150) < 0.4).astype(np.int64)
    model = _sigmoid(-1.0 + 0.75 * labels + rng.normal(0.0, 1.0, 150))
    baseline = _sigmoid(-1.0 + 0.6 * labels + rng.normal(0.0, 1.0, 150))
    settings = QualityGateConfig(
        min_validation_rows=0, min_validation_positives=0, min_validation_negatives=0
    )
    decision = judge(labels, model, baseline, settings, seed=0)
    auc = decision.interval("roc_auc")
    assert auc is not None and auc.improvement > 0 and auc.lower <= 0
    assert not decision.passed


def test_a_tiny_validation_fails_for_size_naming_the_settings() -> None:
    labels, model, baseline = _validation(18, seed=6)
    positives = int(labels.sum())
    decision = judge(labels, model, baseline, QualityGateConfig(), seed=0)
    assert not decision.passed
    assert decision.intervals == ()
    assert decision.reason == (
        "failed: validation is too small to judge the model: "
        "18 rows, minimum 1000 (TrainConfig.quality_gate.min_validation_rows); "
        f"{positives} positives (label 1), minimum 100 "
        "(TrainConfig.quality_gate.min_validation_positives); "
        f"{18 - positives} negatives (label 0), minimum 100 "
        "(TrainConfig.quality_gate.min_validation_negatives). "
        "No comparison with the baseline was made. Give validation more data (more events, "
        "or a longer validation window: dbt vars validation_days / eval_window_share) "
        "or lower the setting named."
    )


def test_only_the_minimum_that_is_short_is_named() -> None:
    labels, model, baseline = _validation(3_000)
    settings = QualityGateConfig(min_validation_positives=int(labels.sum()) + 1)
    decision = judge(labels, model, baseline, settings, seed=0)
    assert not decision.passed
    assert decision.shortfalls == (
        f"{int(labels.sum())} positives (label 1), minimum {int(labels.sum()) + 1} "
        "(TrainConfig.quality_gate.min_validation_positives)",
    )


def test_the_interval_is_seeded() -> None:
    labels, model, baseline = _validation(2_000)
    first = paired_bootstrap(labels, model, baseline, 300, 0.95, seed=0)
    assert paired_bootstrap(labels, model, baseline, 300, 0.95, seed=0) == first
    assert paired_bootstrap(labels, model, baseline, 300, 0.95, seed=1) != first


def test_a_higher_confidence_level_widens_the_interval() -> None:
    labels, model, baseline = _validation(2_000)
    at_90, _ = paired_bootstrap(labels, model, baseline, 500, 0.90, seed=0)
    at_99, _ = paired_bootstrap(labels, model, baseline, 500, 0.99, seed=0)
    assert at_99.lower < at_90.lower and at_99.upper > at_90.upper


def test_resampling_a_bounded_sample_keeps_the_values_and_widens_the_interval() -> None:
    labels, model, baseline = _validation(8_000)
    every_row = judge(labels, model, baseline, QualityGateConfig(), seed=0)
    settings = QualityGateConfig(bootstrap_max_rows=2_000)
    sampled = judge(labels, model, baseline, settings, seed=0)
    for full, part in zip(every_row.intervals, sampled.intervals, strict=True):
        assert (part.model, part.baseline, part.improvement) == (
            full.model, full.baseline, full.improvement
        )
        assert part.upper - part.lower > 1.5 * (full.upper - full.lower)
    assert "(1000 resamples of a stratified sample of 2000 rows, seed 0;" in sampled.reason
    assert sampled.as_record()["rows_resampled"] == 2_000
    assert every_row.as_record()["rows_resampled"] == 8_000


def test_the_record_holds_counts_settings_and_intervals() -> None:
    labels, model, baseline = _validation(3_000)
    record = judge(labels, model, baseline, QualityGateConfig(), seed=7).as_record()
    assert record["passed"] is True
    assert (record["rows"], record["positives"]) == (3_000, int(labels.sum()))
    assert record["seed"] == 7
    assert record["settings"]["confidence_level"] == 0.95  # type: ignore[index]
    assert set(record["intervals"]) == {"roc_auc", "log_loss"}  # type: ignore[arg-type]
    assert set(record["intervals"]["roc_auc"]) == {  # type: ignore[index]
        "model", "baseline", "improvement", "lower", "upper"
    }


@pytest.mark.parametrize(
    "settings",
    [
        {"confidence_level": 1.0},
        {"confidence_level": 0.0},
        {"bootstrap_resamples": 0},
        {"min_validation_rows": -1},
        {"bootstrap_max_rows": 1},
    ],
)
def test_settings_out_of_range_are_refused(settings: dict[str, float]) -> None:
    with pytest.raises(ValueError, match="QualityGateConfig"):
        QualityGateConfig(**settings)  # type: ignore[arg-type]
