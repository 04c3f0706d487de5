"""Training: fit candidate pipelines on the train split, pick one on validation, register.

Data (``TrainConfig.training_rows``): the logged rows of marts.feat_training_set
(impressions, or engagements and sampled negatives on an implicit-feedback log) and the
candidate rows of marts.feat_candidate_training_set (what retrieval offered at an earlier
as-of time, labelled by what the user then engaged with), with split 'train' (fit) and
'validation' (select, report, gate). Both tables carry the same f_ features; the
retrieval features are NULL on logged rows. The test split is never read here: it is the
later window the ranking evaluation and the monitoring models use.

Selection: every kind in ``TrainConfig.model_kinds`` is fitted with the same fixed
random_state; the one with the highest validation ROC AUC wins (ties: the earlier kind in
the tuple, the gradient-boosting one by default). The registry records the comparison.

Size: features are read as float32, streamed from DuckDB into one preallocated matrix.
Above ``TrainConfig.max_train_rows`` train-split rows, the models are fitted on a
label-stratified, seeded sample of that size (recorded in the registry's metrics_json as
"training_sample"); the baseline, the hash and the validation metrics use every row.

Quality gate (ml.gate, settings TrainConfig.quality_gate): validation must hold enough
rows, positives and negatives to judge, and the chosen model must beat the CTR baseline
(ml.baseline, fitted per row source) beyond noise: the lower bounds of paired-bootstrap
intervals of its ROC AUC and log loss improvements must be > 0. A model that fails is
registered but not current, so scoring keeps using the last model that passed.
metrics_json["quality_gate"] records the counts, the settings and the intervals.
"""

from __future__ import annotations

import dataclasses
import hashlib
import time
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import duckdb
import numpy as np
from sklearn.compose import ColumnTransformer
from sklearn.ensemble import HistGradientBoostingClassifier
from sklearn.impute import SimpleImputer
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import StandardScaler

from ml.baseline import CtrBaseline
from ml.config import TrainConfig
from ml.db import MARTS_SCHEMA, connect, init_ml_schema, require_table, stream_arrow
from ml.features import (
    FEATURE_DTYPE,
    Feature,
    check_features,
    discover_features,
    empty_feature_matrix,
    feature_select_sql,
    fill_feature_rows,
)
from ml.gate import judge
from ml.metrics import classification_metrics
from ml.predict import predict_positive, thread_limits
from ml.registry import (
    ModelRecord,
    find_identical,
    insert_record,
    next_version,
    save_artifact,
)
from ml.sampling import stratified_sample

TRAINING_TABLE = "feat_training_set"
CANDIDATE_TRAINING_TABLE = "feat_candidate_training_set"


@dataclass(frozen=True)
class RowSource:
    """A table of labelled rows: its name and its row id and row time columns."""

    table: str
    id_column: str
    time_column: str


# TrainConfig.training_rows names these.
ROW_SOURCES = {
    "logged": RowSource(TRAINING_TABLE, "impression_id", "impression_at"),
    "candidates": RowSource(CANDIDATE_TRAINING_TABLE, "request_id", "as_of_at"),
}


def _labelled_rows_sql(sources: tuple[str, ...], feature_sql: str) -> str:
    """One relation over the chosen sources' rows: source, row_id, row_at, user_id,
    tweet_id, label, split and the features, in the same columns for every source."""
    selects = [
        f"""
        select
            '{name}' as source,
            cast({ROW_SOURCES[name].id_column} as varchar) as row_id,
            cast({ROW_SOURCES[name].time_column} as timestamp) as row_at,
            cast(user_id as bigint) as user_id,
            cast(tweet_id as bigint) as tweet_id,
            cast(label as bigint) as label,
            split
            {", " + feature_sql if feature_sql else ""}
        from {MARTS_SCHEMA}.{ROW_SOURCES[name].table}
        """
        for name in sources
    ]
    return "(" + " union all ".join(selects) + ") as labelled_rows"


@dataclass(frozen=True)
class SplitData:
    """One split of the training set, in impression_id order.

    `digest` is the sha256 of the split's impression ids, labels and feature bytes,
    computed while the rows streamed in (the ids themselves are not kept)."""

    user_ids: np.ndarray
    tweet_ids: np.ndarray
    labels: np.ndarray
    features: np.ndarray
    start: datetime | None
    end: datetime | None
    digest: str
    # Rows and positives per row source (ROW_SOURCES), in source order.
    by_source: dict[str, dict[str, int]] = field(default_factory=dict)

    @property
    def rows(self) -> int:
        return len(self.labels)

    def source_slices(self) -> dict[str, slice]:
        """Each row source's rows: contiguous, since rows are ordered by source name."""
        slices, start = {}, 0
        for name in sorted(self.by_source):
            stop = start + self.by_source[name]["rows"]
            slices[name] = slice(start, stop)
            start = stop
        return slices


@dataclass(frozen=True)
class TrainingSample:
    """Which train-split rows the models were fitted on (None: all of them)."""

    rows_available: int
    indices: np.ndarray | None

    @property
    def rows_used(self) -> int:
        return self.rows_available if self.indices is None else len(self.indices)

    def describe(self, config: TrainConfig) -> dict[str, object]:
        """What the registry records, so every metric can be read with its sample."""
        return {
            "rows_available": self.rows_available,
            "rows_used": self.rows_used,
            "sampled": self.indices is not None,
            "max_train_rows": config.max_train_rows,
            "method": "stratified by label, uniform without replacement within each label"
            if self.indices is not None
            else "every train-split row",
            "seed": config.random_state,
        }


@dataclass(frozen=True)
class TrainResult:
    """What one training run produced; flat enough for orchestrator metadata."""

    model_version: int
    model_kind: str
    passed_quality_gate: bool
    quality_gate_reason: str
    selection_reason: str
    train_rows: int
    validation_rows: int
    n_features: int
    val_roc_auc: float
    val_log_loss: float
    val_brier: float
    val_ece: float
    baseline_roc_auc: float
    baseline_log_loss: float
    training_data_hash: str
    artifact_path: str
    seconds: float
    candidate_roc_auc: dict[str, float] = field(default_factory=dict)
    # True when an identical earlier version (same rows, same config) was returned.
    reused_existing_version: bool = False
    # Rows the models were fitted on: train_rows, or the sample when train_rows is
    # above TrainConfig.max_train_rows (the registry's metrics_json has the details).
    fit_rows: int = 0
    # The gate's record (ml.gate.GateDecision.as_record: counts, settings, intervals);
    # empty for a reused version registered before the gate recorded it.
    quality_gate: dict[str, object] = field(default_factory=dict)
    # Per row source (ml.train.ROW_SOURCES): rows, positives, and the model's and the
    # baseline's validation roc_auc and log_loss (validation_by_source).
    validation_by_source: dict[str, dict[str, object]] = field(default_factory=dict)


def load_split(
    con: duckdb.DuckDBPyConnection,
    split: str,
    features: list[Feature],
    sources: tuple[str, ...] = ("logged",),
) -> SplitData:
    """Rows of one split from the row `sources`, features as float32 (DuckDB casts;
    NULL -> NaN), ordered by source then row id.

    Batches stream from DuckDB into preallocated arrays, so the split is held once (no
    Arrow table beside a numpy copy, no float64 matrix) and hashed on the way in."""
    feature_sql = feature_select_sql(features)
    relation = _labelled_rows_sql(sources, feature_sql)
    counts = con.execute(
        f"""
        select source, count(*), coalesce(sum(label), 0), min(row_at), max(row_at)
        from {relation}
        where split = ?
        group by source
        """,
        [split],
    ).fetchall()
    by_source = {
        name: {"rows": int(n), "positives": int(p)}
        for name in sources
        for source, n, p, _, _ in counts
        if source == name
    }
    rows = sum(int(n) for _, n, _, _, _ in counts)
    start = min((first for *_, first, _ in counts if first is not None), default=None)
    end = max((last for *_, last in counts if last is not None), default=None)
    user_ids = np.empty(rows, dtype=np.int64)
    tweet_ids = np.empty(rows, dtype=np.int64)
    labels = np.empty(rows, dtype=np.int64)
    matrix = empty_feature_matrix(rows, features)
    ids_digest, labels_digest, features_digest = (hashlib.sha256() for _ in range(3))
    reader = stream_arrow(
        con,
        f"""
        select * exclude (row_at, split)
        from {relation}
        where split = ?
        order by source, row_id
        """,
        [split],
    )
    filled = 0
    for batch in reader:
        stop = filled + batch.num_rows
        if stop > rows:
            raise RuntimeError(f"split {split!r} changed while it was read")
        user_ids[filled:stop] = batch.column("user_id").to_numpy(zero_copy_only=False)
        tweet_ids[filled:stop] = batch.column("tweet_id").to_numpy(zero_copy_only=False)
        labels[filled:stop] = batch.column("label").to_numpy(zero_copy_only=False)
        fill_feature_rows(matrix, filled, batch, features)
        ids = batch.column("row_id").to_pylist()
        ids_digest.update("".join(f"{i}\x1f" for i in ids).encode())
        labels_digest.update(labels[filled:stop].tobytes())
        block = matrix[filled:stop]
        # Row-major bytes (whatever the matrix layout), one bit pattern for NaN: the
        # digest depends on the values only, not on batch boundaries or how NULL was read.
        features_digest.update(np.where(np.isnan(block), FEATURE_DTYPE(np.nan), block).tobytes())
        filled = stop
    if filled != rows:
        raise RuntimeError(f"split {split!r} changed while it was read")
    digest = hashlib.sha256()
    for part in (ids_digest, labels_digest, features_digest):
        digest.update(part.digest())
    return SplitData(
        user_ids=user_ids,
        tweet_ids=tweet_ids,
        labels=labels,
        features=matrix,
        start=start,
        end=end,
        digest=digest.hexdigest(),
        by_source=by_source,
    )


def check_row_sources(names: tuple[str, ...]) -> tuple[str, ...]:
    """`names` if they are known row sources (at least one, no repeats); else one line
    saying what to pass."""
    unknown = [n for n in names if n not in ROW_SOURCES]
    if unknown or not names or len(set(names)) != len(names):
        raise ValueError(
            f"training_rows must name one or more of {', '.join(ROW_SOURCES)} once each, "
            f"got {list(names)}"
        )
    return names


def source_features(con: duckdb.DuckDBPyConnection, sources: tuple[str, ...]) -> list[Feature]:
    """The f_ features of the first source's table, which every other source's table
    must have exactly (FeatureMismatchError names the difference)."""
    tables = [ROW_SOURCES[name].table for name in sources]
    for table in tables:
        require_table(con, MARTS_SCHEMA, table)
    features = discover_features(con, tables[0])
    if not features:
        raise ValueError(f"{MARTS_SCHEMA}.{tables[0]} has no f_ feature columns")
    for table in tables[1:]:
        check_features(features, discover_features(con, table), f"{MARTS_SCHEMA}.{table}")
    return features


def per_source_baseline(train: SplitData, validation: SplitData, config: TrainConfig) -> np.ndarray:
    """The CTR baseline's validation scores, fitted and applied per row source.

    Logged impressions and retrieval's candidates have very different positive rates
    (about 40% against 2% on the sample): one baseline over both would mostly rank the
    sources apart, and a model that only learned which table a row came from would
    beat it. Per source, the gate compares the model with a baseline that knows that
    much already."""
    scores = np.empty(validation.rows, dtype=np.float64)
    fitted = train.source_slices()
    for name, rows in validation.source_slices().items():
        part = fitted.get(name, slice(0, 0))
        if part.stop > part.start:
            baseline = CtrBaseline.fit(
                train.user_ids[part],
                train.tweet_ids[part],
                train.labels[part],
                config.baseline_prior_strength,
            )
        else:  # No train rows of this source: the rate of every train row.
            baseline = CtrBaseline.fit(
                train.user_ids, train.tweet_ids, train.labels, config.baseline_prior_strength
            )
        scores[rows] = baseline.predict(validation.user_ids[rows], validation.tweet_ids[rows])
    return scores


def validation_by_source(
    validation: SplitData, model: np.ndarray, baseline: np.ndarray, config: TrainConfig
) -> dict[str, dict[str, object]]:
    """The model's and the baseline's validation ROC AUC and log loss on each row source
    with both labels: the blended figures mix two base rates, these do not."""
    report: dict[str, dict[str, object]] = {}
    for name, rows in validation.source_slices().items():
        labels = validation.labels[rows]
        entry: dict[str, object] = dict(validation.by_source[name])
        if len(np.unique(labels)) == 2:
            for who, scores in (("model", model[rows]), ("baseline", baseline[rows])):
                metrics = classification_metrics(labels, scores, config.calibration_bins)
                entry[who] = {k: metrics[k] for k in ("roc_auc", "log_loss")}
        report[name] = entry
    return report


def training_data_hash(features: list[Feature], splits: dict[str, SplitData]) -> str:
    """sha256 over the feature schema and every row read (ids, labels, float32 features).

    Rows are in impression_id order and NaN is normalised, so the same rows give the
    same hash on any machine and any run. The hash covers the features as the model
    sees them (float32): data that differ only beyond float32 precision train the
    same model, so they may share a version.
    """
    digest = hashlib.sha256()
    digest.update(repr([(f.name, f.dtype.upper()) for f in features]).encode())
    digest.update(np.dtype(FEATURE_DTYPE).str.encode())
    for name in sorted(splits):
        digest.update(name.encode())
        digest.update(splits[name].digest.encode())
    return digest.hexdigest()


def sample_train_rows(
    labels: np.ndarray, max_rows: int | None, random_state: int
) -> TrainingSample:
    """A deterministic, label-stratified sample of at most `max_rows` row indices, in
    impression_id order (ml.sampling.stratified_sample). Fitting cost grows with rows
    while validation quality flattens out, which is what makes the bound worth it (see
    ml/README.md)."""
    return TrainingSample(
        rows_available=len(labels),
        indices=stratified_sample(labels, max_rows, random_state),
    )


def build_pipeline(kind: str, config: TrainConfig, empty_columns: tuple[int, ...] = ()) -> Pipeline:
    """The two model families. HGB handles NaN itself; the linear model needs imputation
    (median, plus missing-indicator columns so "missing" stays a signal) and scaling.

    `empty_columns`: indexes of features that are NaN on every training row (an
    action-only log has no impressions, so every CTR is NULL). HGB cannot bin an
    all-NaN column, so those get a constant 0 first (a step fitted and applied inside
    the pipeline, so scoring does the same); with none, the pipeline is unchanged.
    The linear model's imputer already drops such columns.
    """
    if kind == "hist_gradient_boosting":
        fill_empty: list[tuple[str, ColumnTransformer]] = []
        if empty_columns:
            fill_empty = [
                (
                    "fill_empty",
                    ColumnTransformer(
                        [
                            (
                                "empty",
                                SimpleImputer(
                                    strategy="constant", fill_value=0.0, keep_empty_features=True
                                ),
                                list(empty_columns),
                            )
                        ],
                        remainder="passthrough",
                    ),
                )
            ]
        return Pipeline(
            [
                *fill_empty,
                (
                    "model",
                    HistGradientBoostingClassifier(
                        max_iter=config.hgb_max_iter,
                        learning_rate=config.hgb_learning_rate,
                        max_leaf_nodes=config.hgb_max_leaf_nodes,
                        min_samples_leaf=config.hgb_min_samples_leaf,
                        l2_regularization=config.hgb_l2_regularization,
                        early_stopping=False,
                        random_state=config.random_state,
                    ),
                ),
            ]
        )
    if kind == "logistic_regression":
        return Pipeline(
            [
                # A feature with no value on any training row (the multi-day
                # windows on a one-day log) is kept, filled with 0, so the
                # fitted pipeline takes the same columns as scoring sends.
                (
                    "impute",
                    SimpleImputer(strategy="median", add_indicator=True, keep_empty_features=True),
                ),
                ("scale", StandardScaler()),
                (
                    "model",
                    LogisticRegression(
                        C=config.logreg_c, max_iter=2000, random_state=config.random_state
                    ),
                ),
            ]
        )
    raise ValueError(f"unknown model kind {kind!r}")


def _fit_and_score(
    kind: str, config: TrainConfig, x: np.ndarray, y: np.ndarray, validation: SplitData
) -> tuple[Pipeline, np.ndarray]:
    empty = tuple(int(i) for i in np.flatnonzero(np.isnan(x).all(axis=0))) if len(x) else ()
    pipeline = build_pipeline(kind, config, empty)
    if kind != "hist_gradient_boosting":
        # The linear model would fit (and later score) in float32 if given float32; its
        # solver and its scores keep float64 precision (HGB bins the values instead).
        x = x.astype(np.float64)
    with thread_limits(config.n_threads):
        pipeline.fit(x, y)
        return pipeline, predict_positive(pipeline, validation.features)


def _config_record(config: TrainConfig) -> dict[str, object]:
    """The configuration as the registry stores it (JSON-friendly)."""
    return {k: list(v) if isinstance(v, tuple) else v for k, v in asdict(config).items()}


def _result_from_record(record: ModelRecord, started: float) -> TrainResult:
    """A TrainResult for an already registered version (nothing was fitted)."""
    candidates = record.metrics.get("candidates", {})
    return TrainResult(
        model_version=record.model_version,
        model_kind=record.model_kind,
        passed_quality_gate=record.passed_quality_gate,
        quality_gate_reason=record.quality_gate_reason,
        selection_reason=record.selection_reason,
        train_rows=record.train_rows,
        validation_rows=record.validation_rows,
        n_features=len(record.features),
        val_roc_auc=record.val_roc_auc or 0.0,
        val_log_loss=record.val_log_loss or 0.0,
        val_brier=record.val_brier or 0.0,
        val_ece=record.val_ece or 0.0,
        baseline_roc_auc=record.baseline_roc_auc or 0.0,
        baseline_log_loss=record.baseline_log_loss or 0.0,
        training_data_hash=record.training_data_hash,
        artifact_path=record.artifact_path,
        seconds=round(time.perf_counter() - started, 3),
        candidate_roc_auc={
            kind: float(metrics["roc_auc"])
            for kind, metrics in candidates.items()  # type: ignore[union-attr]
        },
        reused_existing_version=True,
        fit_rows=int(
            record.metrics.get("training_sample", {}).get(  # type: ignore[union-attr]
                "rows_used", record.train_rows
            )
        ),
        quality_gate=gate if isinstance(gate := record.metrics.get("quality_gate"), dict) else {},
        validation_by_source=by_source
        if isinstance(by_source := record.metrics.get("validation_by_source"), dict)
        else {},
    )


def train(
    db_path: Path | str,
    models_dir: Path | str,
    config: TrainConfig | None = None,
    reuse_identical: bool = True,
) -> TrainResult:
    """Fit, select, gate and register one model; returns what happened.

    Reads with a read-only connection and fits with none open, so the warehouse is
    locked for writing only while the registry row is inserted. When a version was
    already trained on exactly these rows with this configuration, training is
    deterministic, so that version is returned instead of registering a duplicate
    (`reuse_identical=False` always fits and registers a new version).
    """
    config = config or TrainConfig()
    started = time.perf_counter()
    sources = check_row_sources(config.training_rows)
    with connect(db_path, read_only=True) as con:
        features = source_features(con, sources)
        train_split = load_split(con, "train", features, sources)
        validation = load_split(con, "validation", features, sources)
    for name, data in (("train", train_split), ("validation", validation)):
        if len(np.unique(data.labels)) < 2:
            raise ValueError(f"the {name} split needs both labels, has {data.rows} rows")

    data_hash = training_data_hash(features, {"train": train_split, "validation": validation})
    if reuse_identical:
        with connect(db_path, read_only=True) as con:
            existing = find_identical(con, data_hash, _config_record(config))
        if existing is not None:
            return _result_from_record(existing, started)

    sample = sample_train_rows(train_split.labels, config.max_train_rows, config.random_state)
    if sample.indices is None:
        fit_x, fit_y = train_split.features, train_split.labels
    else:
        fit_x, fit_y = train_split.features[sample.indices], train_split.labels[sample.indices]
    # The full train matrix is not needed past this point (the baseline reads ids and
    # labels only): drop it before fitting, where scikit-learn makes its own copies.
    train_split = dataclasses.replace(train_split, features=train_split.features[:0])
    if len(np.unique(fit_y)) < 2:
        raise ValueError(f"the training sample needs both labels, has {len(fit_y)} rows")

    candidates: dict[str, tuple[Pipeline, dict[str, object]]] = {}
    model_scores: dict[str, np.ndarray] = {}
    for kind in config.model_kinds:
        pipeline, scores = _fit_and_score(kind, config, fit_x, fit_y, validation)
        metrics = classification_metrics(validation.labels, scores, config.calibration_bins)
        candidates[kind] = (pipeline, metrics)
        model_scores[kind] = scores
    candidate_auc = {kind: float(m["roc_auc"]) for kind, (_, m) in candidates.items()}  # type: ignore[arg-type]
    best_kind = max(config.model_kinds, key=lambda kind: candidate_auc[kind])
    ranking = sorted(config.model_kinds, key=lambda kind: -candidate_auc[kind])
    selection_reason = "chose {} by validation roc_auc: {}".format(
        best_kind, ", ".join(f"{kind} {candidate_auc[kind]:.4f}" for kind in ranking)
    )
    pipeline, model_metrics = candidates[best_kind]

    baseline_scores = per_source_baseline(train_split, validation, config)
    baseline_metrics = classification_metrics(
        validation.labels, baseline_scores, config.calibration_bins
    )
    by_source = validation_by_source(validation, model_scores[best_kind], baseline_scores, config)
    gate = judge(
        validation.labels,
        model_scores[best_kind],
        baseline_scores,
        config.quality_gate,
        config.random_state,
    )
    passed, gate_reason = gate.passed, gate.reason

    trained_at = datetime.now(UTC).replace(tzinfo=None)
    models_path = Path(models_dir)
    with connect(db_path) as con:
        init_ml_schema(con)
        version = next_version(con)
        artifact = models_path.resolve() / (
            f"model_v{version:04d}_{trained_at:%Y%m%dT%H%M%S}_{data_hash[:8]}.skops"
        )
        sha = save_artifact(pipeline, artifact)
        record = ModelRecord(
            model_version=version,
            model_kind=best_kind,
            trained_at=trained_at,
            train_start=train_split.start,
            train_end=train_split.end,
            validation_start=validation.start,
            validation_end=validation.end,
            train_rows=train_split.rows,
            validation_rows=validation.rows,
            train_positive_rate=float(train_split.labels.mean()),
            features=features,
            metrics={
                "model": model_metrics,
                "baseline": baseline_metrics,
                "candidates": {
                    k: {kk: v for kk, v in m.items() if kk != "calibration"}
                    for k, (_, m) in candidates.items()
                },
                "training_sample": sample.describe(config),
                "training_rows": {
                    "train": train_split.by_source,
                    "validation": validation.by_source,
                },
                "validation_by_source": by_source,
                "quality_gate": gate.as_record(),
            },
            val_roc_auc=float(model_metrics["roc_auc"]),  # type: ignore[arg-type]
            val_log_loss=float(model_metrics["log_loss"]),  # type: ignore[arg-type]
            val_brier=float(model_metrics["brier"]),  # type: ignore[arg-type]
            val_ece=float(model_metrics["ece"]),  # type: ignore[arg-type]
            baseline_roc_auc=float(baseline_metrics["roc_auc"]),  # type: ignore[arg-type]
            baseline_log_loss=float(baseline_metrics["log_loss"]),  # type: ignore[arg-type]
            passed_quality_gate=passed,
            quality_gate_reason=gate_reason,
            selection_reason=selection_reason,
            training_data_hash=data_hash,
            artifact_path=str(artifact),
            artifact_sha256=sha,
            config=_config_record(config),
        )
        con.execute("begin transaction")
        try:
            insert_record(con, record)
            con.execute("commit")
        except Exception:
            con.execute("rollback")
            artifact.unlink(missing_ok=True)
            raise

    return TrainResult(
        model_version=version,
        model_kind=best_kind,
        passed_quality_gate=passed,
        quality_gate_reason=gate_reason,
        selection_reason=selection_reason,
        train_rows=train_split.rows,
        validation_rows=validation.rows,
        n_features=len(features),
        val_roc_auc=record.val_roc_auc or 0.0,
        val_log_loss=record.val_log_loss or 0.0,
        val_brier=record.val_brier or 0.0,
        val_ece=record.val_ece or 0.0,
        baseline_roc_auc=record.baseline_roc_auc or 0.0,
        baseline_log_loss=record.baseline_log_loss or 0.0,
        training_data_hash=data_hash,
        artifact_path=str(artifact),
        seconds=round(time.perf_counter() - started, 3),
        candidate_roc_auc=candidate_auc,
        fit_rows=sample.rows_used,
        quality_gate=gate.as_record(),
        validation_by_source=by_source,
    )
