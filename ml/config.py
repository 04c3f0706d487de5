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


def default_models_dir() -> Path:
    """SOCIAL_ML_MODELS_DIR or artifacts/models/ in the project (git-ignored)."""
    configured = os.environ.get("SOCIAL_ML_MODELS_DIR")
    path = Path(configured) if configured else Path("artifacts/models")
    return path if path.is_absolute() else PROJECT_ROOT / path


@dataclass(frozen=True)
class TrainConfig:
    """How a model is trained and accepted.

    `model_kinds` are compared on validation ROC AUC; the best one is registered.
    `baseline_prior_strength` is the number of pseudo-impressions at the global CTR
    used to smooth the baseline's per-user and per-tweet CTRs (see ml.baseline).
    """

    random_state: int = 0
    # OpenMP/BLAS threads while fitting. 1 by default: on a shared or small machine
    # oversubscribed OpenMP made HGB ~6x slower, and the result never depends on it.
    # None = every core (worth it for millions of rows on an idle machine).
    n_threads: int | None = 1
    model_kinds: tuple[str, ...] = ("hist_gradient_boosting", "logistic_regression")
    hgb_max_iter: int = 200
    hgb_learning_rate: float = 0.05
    hgb_max_leaf_nodes: int = 15
    hgb_min_samples_leaf: int = 40
    hgb_l2_regularization: float = 1.0
    logreg_c: float = 1.0
    baseline_prior_strength: float = 20.0
    calibration_bins: int = 10


@dataclass(frozen=True)
class ScoreConfig:
    """Batch scoring: which candidate scopes to score and how many items to recommend."""

    k: int = 10
    scopes: tuple[str, ...] = ("serving", "backtest")
    score_training_set: bool = True
    n_threads: int | None = 1


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
