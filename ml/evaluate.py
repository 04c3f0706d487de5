"""Offline ranking evaluation: the model against simple rankers, with intervals.

The protocol (one for every ranker; the metric functions are in ml.ranking_metrics):

- Cut-off T = min(as_of_at) of marts.feat_scoring_candidates rows with scope 'backtest':
  the test window's start. Candidates, features and every ranker use only events
  strictly before T.
- Relevant items of a user = distinct tweets the user engaged with (fct_engagements,
  is_engagement) at event_at >= T (before T + horizon_hours when set), that a feed
  could show at T: live then (created before T, not deleted at T) and not engaged with
  by the user before T. A tweet created after T cannot be in any list made at T, and a
  tweet already engaged with is excluded from every list, so counting either would
  only lower every ranker alike. Bot users are left out (``exclude_bot_users``).
- Users counted = users with >= 1 relevant item, the same users for every ranker; a
  ranker with no list for a user scores 0 for them (a cold user is a miss, not a skip).
- Rankers (ml.rankers): the model (its ml.recommendations rows with scope 'backtest',
  re-ranking every retrieval source's candidates), global popularity, recent
  popularity, item-kNN (the item-similarity source alone), random, and on generated
  data the ground-truth preferences.
- Intervals: 95% percentile bootstrap over users (``bootstrap_resamples`` resamples of
  the users, seeded with ``seed``), the same resamples for every ranker (ml.bootstrap).
- Candidate recall@N per retrieval source (marts.fct_candidate_sources, source_rank <=
  N) and combined (the merged list the model scores, candidate_rank <= N): the share of
  a user's relevant items retrieval offered at all, the ceiling of the model's recall.
- Written: ml.ranking_evaluations (every ranker and metric with its interval, and the
  candidate recalls, k = N) and ml.evaluations (the model next to global popularity,
  which the retraining signal reads), both replaced for the version and k.
- Nothing to evaluate (no counted user: no engagements in the held-out window, or no
  backtest candidates at all) is not an error: the metrics are None, users_evaluated
  is 0, ml.evaluations still gets its rows (NULL values) and ``nothing_to_evaluate``
  says why, so the run goes on.
"""

from __future__ import annotations

import time
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path

import duckdb
import numpy as np
import pyarrow as pa

from ml.bootstrap import Interval, mean_interval, resample_indices
from ml.config import EvaluateConfig
from ml.db import MARTS_SCHEMA, ML_SCHEMA, connect, init_ml_schema, require_table
from ml.rankers import (
    Lists,
    first_k_unseen,
    global_popularity_order,
    ground_truth_lists,
    live_catalogue,
    random_lists,
    recent_popularity_order,
    seen_items,
    source_lists,
    truth_files_missing,
)
from ml.ranking_metrics import RANKING_METRICS, per_user_values
from ml.registry import current_model

Relevant = dict[int, set[int]]

MODEL = "model"
BASELINE = "global_popularity"
COMBINED = "combined"
ITEM_KNN_SOURCE = "item_similarity"


@dataclass(frozen=True)
class EvaluationResult:
    model_version: int
    k: int
    # None when there are no backtest candidates (then nothing is evaluated).
    cutoff: datetime | None
    users_evaluated: int
    baseline_users_evaluated: int
    # Combined candidate recall over every candidate (the ceiling of recall@k).
    candidate_recall: float | None = None
    model: dict[str, float | None] = field(default_factory=dict)
    baseline: dict[str, float | None] = field(default_factory=dict)
    # ranker -> metric -> mean over users with its bootstrap interval.
    rankers: dict[str, dict[str, Interval]] = field(default_factory=dict)
    # retrieval source (or 'combined') -> N -> candidate recall@N with its interval.
    candidate_recall_at: dict[str, dict[int, Interval]] = field(default_factory=dict)
    # ranker -> why it was not evaluated (the ground truth on a log without one).
    skipped: dict[str, str] = field(default_factory=dict)
    seconds: float = 0.0
    # Empty when users were evaluated; otherwise why nothing was (see the docstring).
    nothing_to_evaluate: str = ""


def _first_backtest_as_of(con: duckdb.DuckDBPyConnection) -> datetime | None:
    rows = con.execute(
        f"select min(as_of_at) from {MARTS_SCHEMA}.feat_scoring_candidates where scope = 'backtest'"
    ).fetchall()
    return rows[0][0] if rows else None


def backtest_cutoff(con: duckdb.DuckDBPyConnection) -> datetime:
    cutoff = _first_backtest_as_of(con)
    if cutoff is None:
        raise LookupError("marts.feat_scoring_candidates has no 'backtest' rows")
    return cutoff


def nothing_to_evaluate(
    cutoff: datetime | None, config: EvaluateConfig, relevant: Relevant, users_evaluated: int
) -> str:
    """Why no user was counted, as one sentence ending in "nothing to evaluate"; empty
    when some user was."""
    if users_evaluated:
        return ""
    if cutoff is None:
        return (
            "no backtest candidates (marts.feat_scoring_candidates has no 'backtest' rows; "
            "the backtest retrieves only for users who engage from its cut-off on), so there "
            "is no held-out window: nothing to evaluate"
        )
    span = f"from {cutoff:%Y-%m-%d %H:%M:%S} " + (
        f"for {config.horizon_hours} h" if config.horizon_hours is not None else "on"
    )
    who = "non-bot users" if config.exclude_bot_users else "users"
    return (
        f"no {who} with engagements in the held-out window ({span}) on tweets live at the "
        "cut-off that they had not engaged with before: nothing to evaluate"
    )


def relevant_items(
    con: duckdb.DuckDBPyConnection,
    cutoff: datetime,
    exclude_bots: bool,
    horizon_hours: int | None = None,
) -> Relevant:
    """Per user, the distinct tweets engaged with in [cutoff, cutoff + horizon_hours) (to
    the end of the data when horizon_hours is None) that were live at the cut-off and
    that the user had not engaged with before it."""
    until = cutoff + timedelta(hours=horizon_hours) if horizon_hours is not None else None
    rows = con.execute(
        f"""
        select distinct cast(later.user_id as bigint), cast(later.tweet_id as bigint)
        from {MARTS_SCHEMA}.fct_engagements as later
        inner join {MARTS_SCHEMA}.dim_tweets as tweets
            on later.tweet_id = tweets.tweet_id
        where
            later.is_engagement and later.event_at >= ?
            {"and not later.is_bot_user" if exclude_bots else ""}
            and (cast(? as timestamp) is null or later.event_at < ?)
            and tweets.created_at < ?
            and (tweets.deleted_at is null or tweets.deleted_at > ?)
            and not exists (
                select 1 from {MARTS_SCHEMA}.fct_engagements as earlier
                where
                    earlier.user_id = later.user_id and earlier.tweet_id = later.tweet_id
                    and earlier.is_engagement and earlier.event_at < ?
            )
        """,
        [cutoff, until, until, cutoff, cutoff, cutoff],
    ).fetchall()
    relevant: Relevant = defaultdict(set)
    for user_id, tweet_id in rows:
        relevant[int(user_id)].add(int(tweet_id))
    return dict(relevant)


def model_recommendations(
    con: duckdb.DuckDBPyConnection, model_version: int, k: int
) -> Lists:
    rows = con.execute(
        """
        select user_id, tweet_id
        from ml.recommendations
        where model_version = ? and scope = 'backtest' and rank <= ?
        order by user_id, rank
        """,
        [model_version, k],
    ).fetchall()
    recs: Lists = defaultdict(list)
    for user_id, tweet_id in rows:
        recs[int(user_id)].append(int(tweet_id))
    return dict(recs)


def per_user_metric(
    name: str, lists: Lists, relevant: Relevant, users: list[int], k: int
) -> np.ndarray:
    return np.array(
        per_user_values(RANKING_METRICS[name], lists, relevant, users, k), dtype=np.float64
    )


def ranker_lists(
    con: duckdb.DuckDBPyConnection,
    config: EvaluateConfig,
    cutoff: datetime,
    users: list[int],
    model_lists: Lists,
) -> tuple[dict[str, Lists], dict[str, str]]:
    """Every ranker's list per counted user, and why any ranker was skipped."""
    catalogue = live_catalogue(con, cutoff)
    seen = seen_items(con, cutoff)
    k = config.k
    lists: dict[str, Lists] = {
        MODEL: model_lists,
        BASELINE: first_k_unseen(global_popularity_order(con, cutoff, catalogue), users, seen, k),
        "recent_popularity": first_k_unseen(
            recent_popularity_order(con, cutoff, catalogue, config.recent_half_life_hours),
            users,
            seen,
            k,
        ),
        "item_knn": source_lists(con, ITEM_KNN_SOURCE, users, k),
        "random": random_lists(catalogue, users, seen, k, config.seed),
    }
    skipped: dict[str, str] = {}
    truth_dir = Path(config.truth_dir) if config.truth_dir is not None else None
    why_not = truth_files_missing(truth_dir)
    if not why_not and truth_dir is not None:
        truth, why_not = ground_truth_lists(truth_dir, catalogue, users, seen, k)
        if not why_not:
            lists["ground_truth"] = truth
    if why_not:
        skipped["ground_truth"] = why_not
    return lists, skipped


def _relevant_table(relevant: Relevant) -> pa.Table:
    pairs = [(u, t) for u, items in relevant.items() for t in items]
    return pa.table(
        {
            "user_id": pa.array([p[0] for p in pairs], pa.int64()),
            "tweet_id": pa.array([p[1] for p in pairs], pa.int64()),
        }
    )


def candidate_hit_ranks(
    con: duckdb.DuckDBPyConnection, relevant: Relevant
) -> dict[str, dict[int, list[int]]]:
    """source (and 'combined') -> user -> the ranks at which relevant items were offered."""
    con.register("relevant_pairs", _relevant_table(relevant))
    try:
        rows = con.execute(
            f"""
            select source, c.user_id, c.source_rank
            from {MARTS_SCHEMA}.fct_candidate_sources as c
            inner join relevant_pairs as r
                on c.user_id = r.user_id and c.tweet_id = r.tweet_id
            where c.scope = 'backtest'
            union all
            select '{COMBINED}', c.user_id, c.candidate_rank
            from {MARTS_SCHEMA}.feat_scoring_candidates as c
            inner join relevant_pairs as r
                on c.user_id = r.user_id and c.tweet_id = r.tweet_id
            where c.scope = 'backtest'
            """
        ).fetchall()
        sources = [
            s for (s,) in con.execute(
                f"select distinct source from {MARTS_SCHEMA}.fct_candidate_sources order by 1"
            ).fetchall()
        ]
    finally:
        con.unregister("relevant_pairs")
    ranks: dict[str, dict[int, list[int]]] = {s: {} for s in [*sources, COMBINED]}
    for source, user_id, rank in rows:
        ranks[source].setdefault(int(user_id), []).append(int(rank))
    return ranks


def candidate_recall_arrays(
    ranks: dict[str, dict[int, list[int]]],
    relevant: Relevant,
    users: list[int],
    cutoffs: tuple[int, ...],
) -> dict[str, dict[int | None, np.ndarray]]:
    """source -> N (None: every candidate) -> per-user recall@N."""
    arrays: dict[str, dict[int | None, np.ndarray]] = {}
    for source, by_user in ranks.items():
        arrays[source] = {}
        for n in (*cutoffs, None):
            arrays[source][n] = np.array(
                [
                    sum(1 for r in by_user.get(u, ()) if n is None or r <= n) / len(relevant[u])
                    for u in users
                ],
                dtype=np.float64,
            )
    return arrays


def _write(
    db_path: Path | str,
    version: int,
    k: int,
    legacy_rows: list[tuple],
    ranking_rows: list[tuple],
) -> None:
    with connect(db_path) as con:
        init_ml_schema(con)
        con.execute("begin transaction")
        try:
            con.execute(
                "delete from ml.evaluations where model_version = ? and k = ?", [version, k]
            )
            con.executemany(
                """
                insert into ml.evaluations
                    (model_version, evaluated_at, k, metric, model_value, baseline_value)
                values (?, ?, ?, ?, ?, ?)
                """,
                legacy_rows,
            )
            # Candidate recall rows carry N in k; they are rewritten with every run.
            con.execute(
                "delete from ml.ranking_evaluations where model_version = ?"
                " and (k = ? or ranker like 'candidates:%')",
                [version, k],
            )
            if ranking_rows:  # none when nothing was evaluated
                con.executemany(
                    """
                    insert into ml.ranking_evaluations
                        (model_version, evaluated_at, k, ranker, metric, value, ci_low, ci_high,
                         users_evaluated)
                    values (?, ?, ?, ?, ?, ?, ?, ?, ?)
                    """,
                    ranking_rows,
                )
            con.execute("commit")
        except Exception:
            con.execute("rollback")
            raise


def evaluate(
    db_path: Path | str,
    config: EvaluateConfig | None = None,
    model_version: int | None = None,
) -> EvaluationResult:
    """Rank every counted user with the model and each simple ranker, compute
    metrics@k with bootstrap intervals and candidate recall@N, and write them (a re-run
    replaces the version's rows). An empty held-out window returns normally with
    `nothing_to_evaluate` set."""
    config = config or EvaluateConfig()
    started = time.perf_counter()
    rankers: dict[str, dict[str, Interval]] = {}
    recall_at: dict[str, dict[int, Interval]] = {}
    skipped: dict[str, str] = {}
    ceiling: float | None = None
    users: list[int] = []
    relevant: Relevant = {}
    with connect(db_path, read_only=True) as con:
        for table in ("feat_scoring_candidates", "fct_engagements", "dim_tweets"):
            require_table(con, MARTS_SCHEMA, table)
        require_table(con, ML_SCHEMA, "recommendations")
        version = model_version if model_version is not None else current_model(con).model_version
        cutoff = _first_backtest_as_of(con)
        if cutoff is not None:
            model_lists = model_recommendations(con, version, config.k)
            if not model_lists:
                raise LookupError(
                    f"model version {version} has no backtest recommendations "
                    "(run `python -m ml score`)"
                )
            relevant = relevant_items(con, cutoff, config.exclude_bot_users, config.horizon_hours)
            users = sorted(relevant)
        if users:
            require_table(con, MARTS_SCHEMA, "fct_candidate_sources")
            lists, skipped = ranker_lists(con, config, cutoff, users, model_lists)
            ranks = candidate_hit_ranks(con, relevant)
    if users:
        indices = resample_indices(len(users), config.bootstrap_resamples, config.seed)
        for ranker, ranker_list in lists.items():
            rankers[ranker] = {
                name: mean_interval(
                    per_user_metric(name, ranker_list, relevant, users, config.k),
                    indices,
                    config.confidence_level,
                )
                for name in config.metrics
            }
        recalls = candidate_recall_arrays(ranks, relevant, users, config.candidate_recall_at)
        for source, by_n in recalls.items():
            recall_at[source] = {
                n: mean_interval(values, indices, config.confidence_level)
                for n, values in by_n.items()
                if n is not None
            }
        ceiling = float(recalls[COMBINED][None].mean())

    def means(ranker: str) -> dict[str, float | None]:
        found = rankers.get(ranker, {})
        return {name: (found[name].value if name in found else None) for name in config.metrics}

    model_values, baseline_values = means(MODEL), means(BASELINE)
    evaluated_at = datetime.now(UTC).replace(tzinfo=None)
    legacy_rows = [
        (version, evaluated_at, config.k, name, model_values[name], baseline_values[name])
        for name in config.metrics
    ]
    legacy_rows.append(
        (version, evaluated_at, config.k, "users_evaluated", len(users), len(users))
    )
    legacy_rows.append((version, evaluated_at, config.k, "candidate_recall", ceiling, None))
    ranking_rows = [
        (version, evaluated_at, config.k, ranker, name, i.value, i.low, i.high, len(users))
        for ranker, by_metric in rankers.items()
        for name, i in by_metric.items()
    ] + [
        (version, evaluated_at, n, f"candidates:{source}", "candidate_recall",
         i.value, i.low, i.high, len(users))
        for source, by_n in recall_at.items()
        for n, i in by_n.items()
    ]  # fmt: skip
    _write(db_path, version, config.k, legacy_rows, ranking_rows)
    return EvaluationResult(
        model_version=version,
        k=config.k,
        cutoff=cutoff,
        users_evaluated=len(users),
        baseline_users_evaluated=len(users),
        candidate_recall=ceiling,
        model=model_values,
        baseline=baseline_values,
        rankers=rankers,
        candidate_recall_at=recall_at,
        skipped=skipped,
        seconds=round(time.perf_counter() - started, 3),
        nothing_to_evaluate=nothing_to_evaluate(cutoff, config, relevant, len(users)),
    )
