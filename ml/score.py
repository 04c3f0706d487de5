"""Batch scoring: score every candidate with the current model, keep the top K per user.

Writes, for the scored model version (delete + insert in ONE transaction, so a re-run
replaces that version's rows and a failure leaves the previous rows intact):

- ml.predictions          one row per (scope, user, candidate tweet): the model's score
- ml.recommendations      one row per (scope, user, rank <= K), ties by smaller tweet_id
- ml.training_set_scores  one row per training-set impression (all splits), so dbt can
                          report daily ROC AUC / CTR and the score's drift per version
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import duckdb
import numpy as np
import pyarrow as pa
from sklearn.pipeline import Pipeline
from threadpoolctl import threadpool_limits

from ml.config import ScoreConfig
from ml.db import MARTS_SCHEMA, connect, fetch_arrow, init_ml_schema, quote_ident, require_table
from ml.features import Feature, discover_features, feature_matrix
from ml.registry import ModelRecord, current_model, get_model, load_model_for

CANDIDATES_TABLE = "feat_scoring_candidates"
TRAINING_TABLE = "feat_training_set"


@dataclass(frozen=True)
class ScoreResult:
    model_version: int
    k: int
    prediction_rows: dict[str, int] = field(default_factory=dict)
    recommendation_rows: dict[str, int] = field(default_factory=dict)
    users_with_recommendations: dict[str, int] = field(default_factory=dict)
    training_set_score_rows: int = 0
    seconds: float = 0.0


def _feature_select(features: list[Feature]) -> str:
    return ", ".join(
        f"cast({quote_ident(f.name)} as double) as {quote_ident(f.name)}" for f in features
    )


def _predict(
    pipeline: Pipeline, table: pa.Table, features: list[Feature], n_threads: int | None
) -> pa.Array:
    """Probability of the positive class per row, as a float64 Arrow array."""
    if table.num_rows == 0:
        return pa.array([], pa.float64())
    with threadpool_limits(limits=n_threads):
        scores = pipeline.predict_proba(feature_matrix(table, features))[:, 1]
    return pa.array(scores.astype(np.float64), pa.float64())


def _check_unique_candidates(con: duckdb.DuckDBPyConnection, scopes: tuple[str, ...]) -> None:
    placeholders = ", ".join("?" for _ in scopes)
    rows = con.execute(
        f"""
        select count(*) from (
            select scope, user_id, tweet_id
            from {MARTS_SCHEMA}.{CANDIDATES_TABLE}
            where scope in ({placeholders})
            group by all
            having count(*) > 1
        ) as duplicated
        """,
        list(scopes),
    ).fetchall()
    row = rows[0] if rows else None
    if row and row[0]:
        raise ValueError(
            f"{MARTS_SCHEMA}.{CANDIDATES_TABLE} has {row[0]} duplicated (scope, user_id, tweet_id)"
        )


def score(
    db_path: Path | str,
    models_dir: Path | str | None = None,
    config: ScoreConfig | None = None,
    model_version: int | None = None,
) -> ScoreResult:
    """Score candidates (and the training set) with the current model, or `model_version`.

    `models_dir` is accepted for symmetry with train; artifacts are found through the
    absolute path the registry recorded. Raises FeatureMismatchError when the candidate
    or training table's f_ columns differ from the model's.
    """
    del models_dir
    config = config or ScoreConfig()
    if config.k < 1:
        raise ValueError(f"k must be >= 1, got {config.k}")
    started = time.perf_counter()
    with connect(db_path, read_only=True) as con:
        require_table(con, MARTS_SCHEMA, CANDIDATES_TABLE)
        record: ModelRecord = (
            get_model(con, model_version) if model_version is not None else current_model(con)
        )
        pipeline = load_model_for(
            record, discover_features(con, CANDIDATES_TABLE), f"{MARTS_SCHEMA}.{CANDIDATES_TABLE}"
        )
        _check_unique_candidates(con, config.scopes)
        placeholders = ", ".join("?" for _ in config.scopes)
        candidates = fetch_arrow(
            con,
            f"""
            select
                scope,
                cast(user_id as bigint) as user_id,
                cast(tweet_id as bigint) as tweet_id,
                {_feature_select(record.features)}
            from {MARTS_SCHEMA}.{CANDIDATES_TABLE}
            where scope in ({placeholders})
            order by scope, user_id, tweet_id
            """,
            list(config.scopes),
        )
        training = None
        if config.score_training_set:
            load_model_for(
                record, discover_features(con, TRAINING_TABLE), f"{MARTS_SCHEMA}.{TRAINING_TABLE}"
            )
            training = fetch_arrow(
                con,
                f"""
                select
                    cast(impression_id as varchar) as impression_id,
                    split,
                    cast(impression_at as timestamp) as impression_at,
                    cast(label as integer) as label,
                    {_feature_select(record.features)}
                from {MARTS_SCHEMA}.{TRAINING_TABLE}
                order by impression_id
                """,
            )

    scored_at = datetime.now(UTC).replace(tzinfo=None)
    version = record.model_version
    predictions = pa.table(
        {
            "model_version": pa.array([version] * candidates.num_rows, pa.int32()),
            "scope": candidates.column("scope"),
            "user_id": candidates.column("user_id"),
            "tweet_id": candidates.column("tweet_id"),
            "score": _predict(pipeline, candidates, record.features, config.n_threads),
            "scored_at": pa.array([scored_at] * candidates.num_rows, pa.timestamp("us")),
        }
    )
    training_scores = None
    if training is not None:
        training_scores = pa.table(
            {
                "model_version": pa.array([version] * training.num_rows, pa.int32()),
                "impression_id": training.column("impression_id"),
                "split": training.column("split"),
                "impression_at": training.column("impression_at"),
                "label": training.column("label"),
                "score": _predict(pipeline, training, record.features, config.n_threads),
                "scored_at": pa.array([scored_at] * training.num_rows, pa.timestamp("us")),
            }
        )

    with connect(db_path) as con:
        init_ml_schema(con)
        _write(con, version, config, predictions, training_scores)
        counts = con.execute(
            """
            select
                p.scope,
                count(*) as predictions,
                (select count(*) from ml.recommendations as r
                 where r.model_version = p.model_version and r.scope = p.scope) as recommendations,
                (select count(distinct r.user_id) from ml.recommendations as r
                 where r.model_version = p.model_version and r.scope = p.scope) as users
            from ml.predictions as p
            where p.model_version = ?
            group by p.scope, p.model_version
            order by p.scope
            """,
            [version],
        ).fetchall()

    return ScoreResult(
        model_version=version,
        k=config.k,
        prediction_rows={str(s): int(n) for s, n, _, _ in counts},
        recommendation_rows={str(s): int(n) for s, _, n, _ in counts},
        users_with_recommendations={str(s): int(n) for s, _, _, n in counts},
        training_set_score_rows=training_scores.num_rows if training_scores is not None else 0,
        seconds=round(time.perf_counter() - started, 3),
    )


def _write(
    con: duckdb.DuckDBPyConnection,
    version: int,
    config: ScoreConfig,
    predictions: pa.Table,
    training_scores: pa.Table | None,
) -> None:
    """Replace `version`'s rows (for the scored scopes) in all three tables atomically."""
    scopes = list(config.scopes)
    in_scopes = ", ".join("?" for _ in scopes)
    con.register("new_predictions", predictions)
    if training_scores is not None:
        con.register("new_training_scores", training_scores)
    con.execute("begin transaction")
    try:
        for table in ("predictions", "recommendations"):
            con.execute(
                f"delete from ml.{table} where model_version = ? and scope in ({in_scopes})",
                [version, *scopes],
            )
        con.execute(
            """
            insert into ml.predictions
                (model_version, scope, user_id, tweet_id, score, scored_at)
            select model_version, scope, user_id, tweet_id, score, scored_at
            from new_predictions
            """
        )
        con.execute(
            f"""
            insert into ml.recommendations
                (model_version, scope, user_id, rank, tweet_id, score)
            select model_version, scope, user_id, rank, tweet_id, score
            from (
                select
                    model_version,
                    scope,
                    user_id,
                    tweet_id,
                    score,
                    cast(row_number() over (
                        partition by scope, user_id order by score desc, tweet_id asc
                    ) as integer) as rank
                from ml.predictions
                where model_version = ? and scope in ({in_scopes})
            ) as ranked
            where rank <= ?
            """,
            [version, *scopes, config.k],
        )
        if training_scores is not None:
            con.execute("delete from ml.training_set_scores where model_version = ?", [version])
            con.execute(
                """
                insert into ml.training_set_scores
                    (model_version, impression_id, split, impression_at, label, score, scored_at)
                select model_version, impression_id, split, impression_at, label, score, scored_at
                from new_training_scores
                """
            )
        con.execute("commit")
    except Exception:
        con.execute("rollback")
        raise
    finally:
        con.unregister("new_predictions")
        if training_scores is not None:
            con.unregister("new_training_scores")
