"""Batch scoring: score every candidate with the current model, keep the top K per user.

Writes, for the scored model version (delete + insert in ONE transaction, so a re-run
replaces that version's rows and a failure leaves the previous rows intact):

- ml.predictions          one row per (scope, user, candidate tweet): the model's score
- ml.recommendations      one row per (scope, user, rank <= K), ties by smaller tweet_id
- ml.training_set_scores  one row per training-set impression (all splits), so dbt can
                          report daily ROC AUC / CTR and the score's drift per version

Memory is bounded by ``ScoreConfig.batch_rows``, not by the number of candidates: rows
stream from a read-only connection in Arrow batches, are scored, and their keys and
scores are spilled to a temporary Parquet file; the write connection then inserts from
that file. The warehouse is locked for writing only during the final transaction.

Each row keeps the hash of what its score was computed from (``feature_hash``: the
features as the model reads them, plus split, label and time in the training set). With
``ScoreConfig.only_changed`` (the default) a model version rescoring reads only the rows
whose hash it has not scored yet, and drops the rows gone from the marts: after a stream
batch that is the few requests the batch reached, not every candidate and impression.
The result equals a full rescore (tests/test_ml_score.py).
"""

from __future__ import annotations

import tempfile
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import duckdb
import pyarrow as pa
import pyarrow.parquet as pq
from sklearn.pipeline import Pipeline

from ml.config import ScoreConfig
from ml.db import MARTS_SCHEMA, connect, init_ml_schema, quote_ident, require_table, stream_arrow
from ml.features import Feature, discover_features, feature_matrix, feature_select_sql
from ml.predict import predict_positive, thread_limits
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
    # Rows this call scored ('candidates', 'training_set'); the rest kept their score.
    rescored_rows: dict[str, int] = field(default_factory=dict)
    seconds: float = 0.0


def _feature_hash_sql(alias: str, features: list[Feature], extra: tuple[str, ...] = ()) -> str:
    """hash() of what a row's score is computed from: `extra` columns and the features as
    the model reads them (float). Equal hashes, same model: the same score."""
    columns = [f"{alias}.{name}" for name in extra]
    columns += [f"cast({alias}.{quote_ident(f.name)} as float)" for f in features]
    return f"hash({', '.join(columns)})"


def _unscored_filter(
    alias: str, table: str, keys: tuple[str, ...], hash_sql: str, config: ScoreConfig
) -> str:
    """SQL predicate on `alias`: its row has no score with the same hash (all rows when
    rescoring everything). The model version is the query's first parameter."""
    if not config.only_changed:
        return "true"
    same_key = " and ".join(f"scored.{k} = {alias}.{k}" for k in keys)
    return (
        f"not exists (select 1 from ml.{table} as scored where scored.model_version = ?"
        f" and {same_key} and scored.feature_hash = {hash_sql})"
    )


def _score_to_parquet(
    con: duckdb.DuckDBPyConnection,
    sql: str,
    params: list[object],
    keys: list[str],
    pipeline: Pipeline,
    features: list[Feature],
    config: ScoreConfig,
    path: Path,
) -> int:
    """Run `sql`, score its rows batch by batch and write `keys` + score to `path`.

    Holds one batch (its Arrow columns and a float32 matrix) at a time; returns the
    number of rows written."""
    reader = stream_arrow(con, sql, params, config.batch_rows)
    schema = pa.schema(
        [reader.schema.field(name) for name in keys] + [pa.field("score", pa.float64())]
    )
    rows = 0
    # A scratch file read once: no compression, dictionaries or statistics (7x faster to
    # write than the snappy default, measured; a few hundred MB of temporary disk at 10M).
    writer = pq.ParquetWriter(
        path, schema, compression="none", use_dictionary=False, write_statistics=False
    )
    with writer, thread_limits(config.n_threads):
        for batch in reader:
            if batch.num_rows == 0:
                continue
            scores = predict_positive(pipeline, feature_matrix(batch, features))
            writer.write_batch(
                pa.record_batch(
                    [batch.column(name) for name in keys] + [pa.array(scores, pa.float64())],
                    schema=schema,
                )
            )
            rows += batch.num_rows
    return rows


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
    # A warehouse scored before feature_hash existed gets the column first.
    with connect(db_path) as con:
        init_ml_schema(con)
    with tempfile.TemporaryDirectory(prefix="ml_score_") as spill_dir:
        predictions_path = Path(spill_dir) / "predictions.parquet"
        training_path = Path(spill_dir) / "training_set_scores.parquet"
        with connect(db_path, read_only=True) as con:
            require_table(con, MARTS_SCHEMA, CANDIDATES_TABLE)
            record: ModelRecord = (
                get_model(con, model_version) if model_version is not None else current_model(con)
            )
            pipeline = load_model_for(
                record,
                discover_features(con, CANDIDATES_TABLE),
                f"{MARTS_SCHEMA}.{CANDIDATES_TABLE}",
            )
            _check_unique_candidates(con, config.scopes)
            if config.score_training_set:
                load_model_for(
                    record,
                    discover_features(con, TRAINING_TABLE),
                    f"{MARTS_SCHEMA}.{TRAINING_TABLE}",
                )
            placeholders = ", ".join("?" for _ in config.scopes)
            version = record.model_version
            candidate_hash = _feature_hash_sql("candidates", record.features)
            # No `order by`: rows are scored independently and the tables are sets, so
            # sorting millions of wide rows first would only cost time and memory.
            rescored = {
                "candidates": _score_to_parquet(
                    con,
                    f"""
                    select
                        candidates.scope,
                        cast(candidates.user_id as bigint) as user_id,
                        cast(candidates.tweet_id as bigint) as tweet_id,
                        {candidate_hash} as feature_hash,
                        {feature_select_sql(record.features)}
                    from {MARTS_SCHEMA}.{CANDIDATES_TABLE} as candidates
                    where candidates.scope in ({placeholders}) and {_unscored_filter(
                        "candidates", "predictions", ("scope", "user_id", "tweet_id"),
                        candidate_hash, config,
                    )}
                    """,
                    [*config.scopes, *([version] if config.only_changed else [])],
                    ["scope", "user_id", "tweet_id", "feature_hash"],
                    pipeline,
                    record.features,
                    config,
                    predictions_path,
                )
            }
            if config.score_training_set:
                training_hash = _feature_hash_sql(
                    "training", record.features, ("split", "impression_at", "label")
                )
                rescored["training_set"] = _score_to_parquet(
                    con,
                    f"""
                    select
                        cast(training.impression_id as varchar) as impression_id,
                        training.split,
                        cast(training.impression_at as timestamp) as impression_at,
                        cast(training.label as integer) as label,
                        {training_hash} as feature_hash,
                        {feature_select_sql(record.features)}
                    from {MARTS_SCHEMA}.{TRAINING_TABLE} as training
                    where {_unscored_filter(
                        "training", "training_set_scores", ("impression_id",), training_hash,
                        config,
                    )}
                    """,
                    [version] if config.only_changed else [],
                    ["impression_id", "split", "impression_at", "label", "feature_hash"],
                    pipeline,
                    record.features,
                    config,
                    training_path,
                )

        scored_at = datetime.now(UTC).replace(tzinfo=None)
        with connect(db_path) as con:
            _write(
                con,
                version,
                config,
                scored_at,
                predictions_path,
                training_path if config.score_training_set else None,
            )
            counts = con.execute(
                """
                select
                    p.scope,
                    count(*) as predictions,
                    (select count(*) from ml.recommendations as r
                     where r.model_version = p.model_version and r.scope = p.scope)
                        as recommendations,
                    (select count(distinct r.user_id) from ml.recommendations as r
                     where r.model_version = p.model_version and r.scope = p.scope) as users
                from ml.predictions as p
                where p.model_version = ?
                group by p.scope, p.model_version
                order by p.scope
                """,
                [version],
            ).fetchall()
            training_rows = con.execute(
                "select count(*) from ml.training_set_scores where model_version = ?", [version]
            ).fetchone()[0]

    return ScoreResult(
        model_version=version,
        k=config.k,
        prediction_rows={str(s): int(n) for s, n, _, _ in counts},
        recommendation_rows={str(s): int(n) for s, _, n, _ in counts},
        users_with_recommendations={str(s): int(n) for s, _, _, n in counts},
        training_set_score_rows=int(training_rows),
        rescored_rows=rescored,
        seconds=round(time.perf_counter() - started, 3),
    )


def _replaced(
    alias: str, rescored: str, mart: str, keys: tuple[str, ...], config: ScoreConfig
) -> str:
    """SQL predicate on a stored score `alias`: a row `rescored` replaces it, or its key
    is gone from `mart` (always true when rescoring everything)."""
    if not config.only_changed:
        return "true"

    def same_key(other: str) -> str:
        return " and ".join(f"{other}.{k} = {alias}.{k}" for k in keys)

    return (
        f"(exists (select 1 from {rescored} as rescored where {same_key('rescored')})"
        f" or not exists (select 1 from {mart} as present where {same_key('present')}))"
    )


def _parquet_source(path: Path) -> str:
    """`read_parquet('<path>')` with the path quoted as a SQL string literal."""
    return "read_parquet('" + str(path).replace("'", "''") + "')"


def _write(
    con: duckdb.DuckDBPyConnection,
    version: int,
    config: ScoreConfig,
    scored_at: datetime,
    predictions: Path,
    training_scores: Path | None,
) -> None:
    """Write `version`'s rows (for the scored scopes) in all three tables atomically,
    inserting from the spilled Parquet files: the rows rescored replace theirs, the rows
    gone from the marts leave (every row, when rescoring everything), and the
    recommendations are ranked again from all of the version's predictions."""
    scopes = list(config.scopes)
    in_scopes = ", ".join("?" for _ in scopes)
    con.execute("begin transaction")
    try:
        con.execute(
            f"delete from ml.recommendations where model_version = ? and scope in ({in_scopes})",
            [version, *scopes],
        )
        con.execute(
            f"""
            delete from ml.predictions as kept
            where kept.model_version = ? and kept.scope in ({in_scopes}) and {_replaced(
                "kept", _parquet_source(predictions), f"{MARTS_SCHEMA}.{CANDIDATES_TABLE}",
                ("scope", "user_id", "tweet_id"), config,
            )}
            """,
            [version, *scopes],
        )
        con.execute(
            f"""
            insert into ml.predictions
                (model_version, scope, user_id, tweet_id, score, scored_at, feature_hash)
            select
                cast(? as integer), scope, user_id, tweet_id, score, cast(? as timestamp),
                feature_hash
            from {_parquet_source(predictions)}
            """,
            [version, scored_at],
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
            con.execute(
                f"""
                delete from ml.training_set_scores as kept
                where kept.model_version = ? and {_replaced(
                    "kept", _parquet_source(training_scores), f"{MARTS_SCHEMA}.{TRAINING_TABLE}",
                    ("impression_id",), config,
                )}
                """,
                [version],
            )
            con.execute(
                f"""
                insert into ml.training_set_scores
                    (model_version, impression_id, split, impression_at, label, score, scored_at,
                     feature_hash)
                select
                    cast(? as integer), impression_id, split, impression_at, label, score,
                    cast(? as timestamp), feature_hash
                from {_parquet_source(training_scores)}
                """,
                [version, scored_at],
            )
        con.execute("commit")
    except Exception:
        con.execute("rollback")
        raise
