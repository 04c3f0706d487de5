"""Model registry: the table ml.model_registry plus one artifact file per version.

- A version is an integer, max(model_version) + 1 at registration (monotonic).
- "Current" = the newest version whose ``passed_quality_gate`` is true. A model that
  failed its gate is registered too (the record says why) but is never served.
- Artifacts are skops files (a safe, non-pickle format). Loading trusts only the
  types listed in ``TRUSTED_TYPES`` and checks the sha256 recorded at registration.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import duckdb
import skops.io as sio
from sklearn.pipeline import Pipeline

from ml.db import ML_SCHEMA, require_table, table_exists
from ml.features import Feature, check_features

# Types skops does not trust by default that our two pipelines legitimately contain.
TRUSTED_TYPES = frozenset(
    {
        "sklearn.ensemble._hist_gradient_boosting.predictor.TreePredictor",
        "numpy.dtype",
    }
)


class NoModelError(LookupError):
    """No registered model passed its quality gate yet."""


@dataclass(frozen=True)
class ModelRecord:
    """One row of ml.model_registry, decoded."""

    model_version: int
    model_kind: str
    trained_at: datetime
    train_start: datetime | None
    train_end: datetime | None
    validation_start: datetime | None
    validation_end: datetime | None
    train_rows: int
    validation_rows: int
    train_positive_rate: float | None
    features: list[Feature]
    metrics: dict[str, object]
    val_roc_auc: float | None
    val_log_loss: float | None
    val_brier: float | None
    val_ece: float | None
    baseline_roc_auc: float | None
    baseline_log_loss: float | None
    passed_quality_gate: bool
    quality_gate_reason: str
    selection_reason: str
    training_data_hash: str
    artifact_path: str
    artifact_sha256: str
    config: dict[str, object]


_COLUMNS = (
    "model_version, model_kind, trained_at, train_start, train_end, validation_start, "
    "validation_end, train_rows, validation_rows, train_positive_rate, features_json, "
    "metrics_json, val_roc_auc, val_log_loss, val_brier, val_ece, baseline_roc_auc, "
    "baseline_log_loss, passed_quality_gate, quality_gate_reason, selection_reason, "
    "training_data_hash, artifact_path, artifact_sha256, config_json"
)


def _decode(row: tuple[object, ...]) -> ModelRecord:
    values = list(row)
    values[10] = [Feature(f["name"], f["dtype"]) for f in json.loads(str(values[10]))]
    values[11] = json.loads(str(values[11]))
    values[24] = json.loads(str(values[24]))
    return ModelRecord(*values)  # type: ignore[arg-type]


def next_version(con: duckdb.DuckDBPyConnection) -> int:
    require_table(con, ML_SCHEMA, "model_registry")
    rows = con.execute(
        "select coalesce(max(model_version), 0) + 1 from ml.model_registry"
    ).fetchall()
    row = rows[0] if rows else None
    return int(row[0]) if row else 1


def insert_record(con: duckdb.DuckDBPyConnection, record: ModelRecord) -> None:
    """Write one registry row (the caller owns the transaction)."""
    values = [
        record.model_version,
        record.model_kind,
        record.trained_at,
        record.train_start,
        record.train_end,
        record.validation_start,
        record.validation_end,
        record.train_rows,
        record.validation_rows,
        record.train_positive_rate,
        json.dumps([f.as_dict() for f in record.features]),
        json.dumps(record.metrics, sort_keys=True),
        record.val_roc_auc,
        record.val_log_loss,
        record.val_brier,
        record.val_ece,
        record.baseline_roc_auc,
        record.baseline_log_loss,
        record.passed_quality_gate,
        record.quality_gate_reason,
        record.selection_reason,
        record.training_data_hash,
        record.artifact_path,
        record.artifact_sha256,
        json.dumps(record.config, sort_keys=True),
    ]
    placeholders = ", ".join("?" for _ in values)
    con.execute(f"insert into ml.model_registry ({_COLUMNS}) values ({placeholders})", values)


def get_model(con: duckdb.DuckDBPyConnection, model_version: int) -> ModelRecord:
    require_table(con, ML_SCHEMA, "model_registry")
    rows = con.execute(
        f"select {_COLUMNS} from ml.model_registry where model_version = ?", [model_version]
    ).fetchall()
    row = rows[0] if rows else None
    if row is None:
        raise NoModelError(f"model version {model_version} is not registered")
    return _decode(row)


def current_model(con: duckdb.DuckDBPyConnection) -> ModelRecord:
    """The newest version that passed its quality gate; NoModelError when there is none."""
    require_table(con, ML_SCHEMA, "model_registry")
    rows = con.execute(
        f"""
        select {_COLUMNS} from ml.model_registry
        where passed_quality_gate
        order by model_version desc
        limit 1
        """
    ).fetchall()
    row = rows[0] if rows else None
    if row is None:
        raise NoModelError(
            "no registered model has passed its quality gate (run `python -m ml train`)"
        )
    return _decode(row)


def find_identical(
    con: duckdb.DuckDBPyConnection, training_data_hash: str, config: dict[str, object]
) -> ModelRecord | None:
    """The newest version trained on the same rows with the same configuration, if any.

    Training is deterministic (same data and config give the same model), so such a
    version is the model a new run would produce; its artifact must still be on disk.
    A version that passed its gate is reused only while it is still the current one: if
    a newer version passed since (trained on other rows or settings), reusing the old
    one would leave that newer one current, and scoring would not use the model this
    run stands for; a new version is registered instead."""
    if not table_exists(con, ML_SCHEMA, "model_registry"):
        return None
    rows = con.execute(
        f"select {_COLUMNS} from ml.model_registry where training_data_hash = ?"
        " order by model_version desc",
        [training_data_hash],
    ).fetchall()
    newest_passed = con.execute(
        "select max(model_version) from ml.model_registry where passed_quality_gate"
    ).fetchone()[0]
    for row in rows:
        record = _decode(row)
        if record.config == config and Path(record.artifact_path).is_file():
            if record.passed_quality_gate and record.model_version < newest_passed:
                return None
            return record
    return None


def list_models(con: duckdb.DuckDBPyConnection) -> list[ModelRecord]:
    require_table(con, ML_SCHEMA, "model_registry")
    rows = con.execute(
        f"select {_COLUMNS} from ml.model_registry order by model_version"
    ).fetchall()
    return [_decode(row) for row in rows]


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def save_artifact(pipeline: Pipeline, path: Path) -> str:
    """Write the pipeline as a skops file; returns its sha256."""
    path.parent.mkdir(parents=True, exist_ok=True)
    sio.dump(pipeline, path)
    return file_sha256(path)


def load_artifact(record: ModelRecord) -> Pipeline:
    """Load a registered pipeline, refusing a changed file or an unexpected type."""
    path = Path(record.artifact_path)
    if not path.exists():
        raise FileNotFoundError(
            f"artifact of model version {record.model_version} not found: {path}"
        )
    actual = file_sha256(path)
    if actual != record.artifact_sha256:
        raise ValueError(
            f"artifact {path} changed since model version {record.model_version} was "
            f"registered (sha256 {actual} != {record.artifact_sha256})"
        )
    return load_pipeline_file(path)


def load_pipeline_file(path: Path) -> Pipeline:
    """A skops file's Pipeline, refusing any type outside TRUSTED_TYPES (the serving
    snapshot's copy of an artifact loads through here too)."""
    untrusted = sio.get_untrusted_types(file=path)
    unexpected = sorted(set(untrusted) - TRUSTED_TYPES)
    if unexpected:
        raise ValueError(f"artifact {path} contains untrusted types: {', '.join(unexpected)}")
    pipeline = sio.load(path, trusted=list(untrusted))
    if not isinstance(pipeline, Pipeline):
        raise TypeError(f"artifact {path} holds {type(pipeline).__name__}, not a Pipeline")
    return pipeline


def load_model_for(
    record: ModelRecord, table_features: list[Feature], table: str
) -> Pipeline:
    """Load `record`'s pipeline after checking `table` still offers its exact features.

    Raises ml.features.FeatureMismatchError naming missing, extra and re-typed features.
    """
    check_features(record.features, table_features, table)
    return load_artifact(record)
