"""Configuration records and default locations for the ml steps.

Defaults are resolved from the environment only when a caller asks for them, so every
step stays a pure function of its arguments (no module-level state)."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent


def default_db_path() -> Path:
    """SOCIAL_ML_DB (the variable dbt's profile reads) or the project's warehouse file."""
    configured = os.environ.get("SOCIAL_ML_DB")
    path = Path(configured) if configured else Path("warehouse/social_ml.duckdb")
    return path if path.is_absolute() else PROJECT_ROOT / path


def default_truth_dir() -> Path | None:
    """Where the ground truth of the evaluated events is: SOCIAL_ML_TRUTH_DIR, else the
    project's ground_truth/ while the checked-in seeds are the input (it describes them;
    another log's truth cannot be guessed, since generated ids repeat across logs)."""
    configured = os.environ.get("SOCIAL_ML_TRUTH_DIR", "").strip()
    if configured:
        return Path(configured)
    if os.environ.get("SOCIAL_ML_RAW_DIR", "").strip():
        return None
    return PROJECT_ROOT / "ground_truth"


def default_models_dir() -> Path:
    """SOCIAL_ML_MODELS_DIR or artifacts/models/ in the project (git-ignored)."""
    configured = os.environ.get("SOCIAL_ML_MODELS_DIR")
    path = Path(configured) if configured else Path("artifacts/models")
    return path if path.is_absolute() else PROJECT_ROOT / path


def resolve_threads(n_threads: int | None) -> int:
    """`n_threads`, or for None the cores this process may run on (its CPU affinity).

    ml/__init__.py sets OMP_WAIT_POLICY=PASSIVE (unless set): with libgomp's default
    spin-waiting, 2 threads on a loaded 2-core machine fitted HGB 4.4x slower than 1;
    with passive waiting 2 threads predicted as fast as 1 on that loaded machine
    (measured). The gain on an idle machine (up to 2x on 2 cores) was not measured.
    """
    if n_threads is not None:
        return max(1, n_threads)
    if hasattr(os, "sched_getaffinity"):
        return max(1, len(os.sched_getaffinity(0)))
    return max(1, os.cpu_count() or 1)


@dataclass(frozen=True)
class QualityGateConfig:
    """When a trained model may become current (ml.gate applies it).

    1. Validation must be big enough to judge: at least `min_validation_rows` rows,
       `min_validation_positives` label-1 rows and `min_validation_negatives` label-0
       rows. Below any of them the model is registered but not current, and the
       reason names the shortfall and the setting.
    2. The model must beat the CTR baseline beyond noise: a paired bootstrap over
       validation rows (stratified by label, `bootstrap_resamples` resamples, seeded
       with TrainConfig.random_state) gives a two-sided `confidence_level` percentile
       interval of model minus baseline on ROC AUC and on log loss (baseline minus
       model, so positive is better for both); the gate passes only when both lower
       bounds are > 0. Above `bootstrap_max_rows` validation rows the resamples are
       drawn from a label-stratified sample of that many rows (seeded likewise): the
       interval is then as wide as that smaller validation's, so the gate is stricter,
       never looser, and its cost stays bounded (~3 s for 1,000 resamples of 100k
       rows on one core; it grows with rows x resamples). None: resample every row.

    The defaults pass the checked-in sample (11,705 validation rows, 4,527 positives)
    and a one-day log of ~20k events (~2,600 validation rows, ~1,000 positives) with
    room to spare. With 100 rows of each class the standard error of a ROC AUC near
    0.75 is still about 0.035 (Hanley & McNeil 1982): fewer say little about a model.
    """

    min_validation_rows: int = 1_000
    min_validation_positives: int = 100
    min_validation_negatives: int = 100
    bootstrap_resamples: int = 1_000
    confidence_level: float = 0.95
    bootstrap_max_rows: int | None = 100_000

    def __post_init__(self) -> None:
        for name in ("min_validation_rows", "min_validation_positives", "min_validation_negatives"):
            if getattr(self, name) < 0:
                raise ValueError(f"QualityGateConfig.{name} must be >= 0")
        if self.bootstrap_resamples < 1:
            raise ValueError("QualityGateConfig.bootstrap_resamples must be >= 1")
        if not 0.0 < self.confidence_level < 1.0:
            raise ValueError("QualityGateConfig.confidence_level must be in (0, 1)")
        if self.bootstrap_max_rows is not None and self.bootstrap_max_rows < 2:
            raise ValueError("QualityGateConfig.bootstrap_max_rows must be >= 2 or None")


@dataclass(frozen=True)
class TrainConfig:
    """How a model is trained and accepted.

    `model_kinds` are compared on validation ROC AUC; the best one is registered.
    `baseline_prior_strength` is the number of pseudo-impressions at the global CTR
    used to smooth the baseline's per-user and per-tweet CTRs (see ml.baseline).
    `quality_gate` decides whether the registered model becomes current.
    """

    random_state: int = 0
    # OpenMP threads while fitting (see resolve_threads; None = every usable core). The
    # fitted model does not depend on it: HGB builds each feature's histogram on one
    # thread, and BLAS (the linear model) always runs on one thread.
    n_threads: int | None = None
    # Above this many train-split rows the models are fitted on a sample of this size:
    # stratified by label, uniform within each label, drawn with random_state (so the
    # same rows and config give the same sample). The registry's metrics_json records
    # it under "training_sample". None: always fit on every row.
    max_train_rows: int | None = 300_000
    # Where the labelled rows come from (ml.train.ROW_SOURCES): "logged" = the
    # impressions of marts.feat_training_set (engagements and sampled negatives on an
    # implicit-feedback log), "candidates" = marts.feat_candidate_training_set, the
    # candidates retrieval offered at an earlier as-of time. Both by default: the model
    # ranks candidates, so it learns from them, and the logged rows add the many
    # impressions' signal (ml/README.md, "Training rows", has the measurements).
    training_rows: tuple[str, ...] = ("logged", "candidates")
    model_kinds: tuple[str, ...] = ("hist_gradient_boosting", "logistic_regression")
    hgb_max_iter: int = 200
    hgb_learning_rate: float = 0.05
    hgb_max_leaf_nodes: int = 15
    hgb_min_samples_leaf: int = 40
    hgb_l2_regularization: float = 1.0
    logreg_c: float = 1.0
    baseline_prior_strength: float = 20.0
    calibration_bins: int = 10
    quality_gate: QualityGateConfig = field(default_factory=QualityGateConfig)


@dataclass(frozen=True)
class ScoreConfig:
    """Batch scoring: which candidate scopes to score and how many items to recommend."""

    k: int = 10
    scopes: tuple[str, ...] = ("serving", "backtest")
    score_training_set: bool = True
    # OpenMP threads while predicting (see resolve_threads); scores do not depend on it.
    n_threads: int | None = None
    # Rows read from DuckDB, scored and spilled per batch: memory is bounded by the
    # batch, not by the number of candidates.
    batch_rows: int = 131_072
    # Rescore only the rows whose features (and, in the training set, split, label and
    # time) changed since this model version last scored them: the same model on the same
    # inputs gives the same score, and a stream batch changes a few rows of millions.
    only_changed: bool = True


@dataclass(frozen=True)
class EvaluateConfig:
    """Offline ranking evaluation on the held-out window after the backtest cut-off."""

    k: int = 10
    exclude_bot_users: bool = True
    # Relevant items are engagements in [cut-off, cut-off + horizon_hours): the
    # daily schedule refreshes recommendations, so a list is judged on the day it
    # would be served. None: everything after the cut-off.
    horizon_hours: int | None = None
    metrics: tuple[str, ...] = field(
        default=("precision_at_k", "recall_at_k", "ndcg_at_k", "map_at_k")
    )
    # Candidate recall is reported at these list lengths, per source and combined.
    candidate_recall_at: tuple[int, ...] = (50, 100, 200)
    # The recent-popularity ranker halves an engagement's weight every this many hours.
    recent_half_life_hours: float = 24.0
    # 95% percentile intervals from this many bootstrap resamples of the users.
    bootstrap_resamples: int = 1000
    confidence_level: float = 0.95
    # Seeds the bootstrap and the random ranker: the same seed, the same figures.
    seed: int = 0
    # Generated data only: datagen's ground-truth directory (user_preferences.csv,
    # tweet_topics.csv) for the ground-truth ranker; None skips it, saying why.
    truth_dir: str | None = None
