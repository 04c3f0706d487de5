"""Offline ranking evaluation of the backtest recommendations on the later window.

Exact definitions (the metric functions themselves are in ml.ranking_metrics):

- Cut-off T = min(as_of_at) of marts.feat_scoring_candidates rows with scope 'backtest'
  (the candidates were built only from events before T).
- Relevant items of a user = distinct tweets the user engaged with (fct_engagements,
  is_engagement) at event_at >= T. Bot users (is_bot_user) are left out by default:
  their engagements say nothing about what people want.
- Model list = the model version's ml.recommendations rows with scope 'backtest', by rank
  (ties in score were broken by smaller tweet_id when ranks were assigned).
- Popularity baseline list, for each user who has a model list: tweets ordered by the
  number of distinct non-bot users who engaged with them before T (ties: smaller
  tweet_id), skipping tweets the user engaged with before T, first k kept.
- Users counted = users with >= 1 relevant item and >= 1 recommendation (per method;
  both methods recommend for the same users, so the counts match unless the baseline
  runs out of items).
- Also written: metric 'candidate_recall' (model_value only) = mean over the model's
  counted users of |relevant in the user's backtest candidates| / |relevant|. No
  re-ranking of those candidates can get recall@k above it, so it says how much of a
  low score is retrieval's (marts.feat_scoring_candidates) rather than the model's.
- Nothing to evaluate (no counted user: no engagements in the held-out window, none
  by a user with a recommendation, or no backtest candidates at all) is not an error:
  the metrics are None, users_evaluated is 0, the rows are still written (NULL values)
  and ``EvaluationResult.nothing_to_evaluate`` says why, so the run goes on.
"""

from __future__ import annotations

import time
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path

import duckdb

from ml.config import EvaluateConfig
from ml.db import MARTS_SCHEMA, ML_SCHEMA, connect, init_ml_schema, require_table
from ml.ranking_metrics import RANKING_METRICS, counted_users, mean_over_users
from ml.registry import current_model

Recommendations = dict[int, list[int]]
Relevant = dict[int, set[int]]


@dataclass(frozen=True)
class EvaluationResult:
    model_version: int
    k: int
    # None when there are no backtest candidates (then nothing is evaluated).
    cutoff: datetime | None
    users_evaluated: int
    baseline_users_evaluated: int
    candidate_recall: float | None = None
    model: dict[str, float | None] = field(default_factory=dict)
    baseline: dict[str, float | None] = field(default_factory=dict)
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
            "no backtest candidates (marts.feat_scoring_candidates has no 'backtest' rows), "
            "so there is no held-out window: nothing to evaluate"
        )
    span = f"from {cutoff:%Y-%m-%d %H:%M:%S} " + (
        f"for {config.horizon_hours} h" if config.horizon_hours is not None else "on"
    )
    who = "non-bot users" if config.exclude_bot_users else "users"
    if not relevant:
        return f"no {who} with engagements in the held-out window ({span}): nothing to evaluate"
    return (
        f"{len(relevant)} {who} engaged in the held-out window ({span}), none of them with "
        "a backtest recommendation: nothing to evaluate"
    )


def relevant_items(
    con: duckdb.DuckDBPyConnection,
    cutoff: datetime,
    exclude_bots: bool,
    horizon_hours: int | None = None,
) -> Relevant:
    """Per user, the distinct tweets engaged with in [cutoff, cutoff + horizon_hours)
    (to the end of the data when horizon_hours is None)."""
    until = cutoff + timedelta(hours=horizon_hours) if horizon_hours is not None else None
    rows = con.execute(
        f"""
        select distinct cast(user_id as bigint), cast(tweet_id as bigint)
        from {MARTS_SCHEMA}.fct_engagements
        where is_engagement and event_at >= ? {"and not is_bot_user" if exclude_bots else ""}
            and (cast(? as timestamp) is null or event_at < ?)
        """,
        [cutoff, until, until],
    ).fetchall()
    relevant: Relevant = defaultdict(set)
    for user_id, tweet_id in rows:
        relevant[int(user_id)].add(int(tweet_id))
    return dict(relevant)


def model_recommendations(
    con: duckdb.DuckDBPyConnection, model_version: int, k: int
) -> Recommendations:
    rows = con.execute(
        """
        select user_id, tweet_id
        from ml.recommendations
        where model_version = ? and scope = 'backtest' and rank <= ?
        order by user_id, rank
        """,
        [model_version, k],
    ).fetchall()
    recs: Recommendations = defaultdict(list)
    for user_id, tweet_id in rows:
        recs[int(user_id)].append(int(tweet_id))
    return dict(recs)


def popularity_recommendations(
    con: duckdb.DuckDBPyConnection,
    users: list[int],
    cutoff: datetime,
    k: int,
    exclude_bots: bool,
) -> Recommendations:
    """Most-engaged tweets before `cutoff`, minus each user's own past engagements."""
    bot_filter = "and not is_bot_user" if exclude_bots else ""
    popular = [
        int(tweet_id)
        for (tweet_id,) in con.execute(
            f"""
            select cast(tweet_id as bigint) as tweet_id
            from {MARTS_SCHEMA}.fct_engagements
            where is_engagement and event_at < ? {bot_filter}
            group by tweet_id
            order by count(distinct user_id) desc, tweet_id asc
            """,
            [cutoff],
        ).fetchall()
    ]
    seen: dict[int, set[int]] = defaultdict(set)
    for user_id, tweet_id in con.execute(
        f"""
        select distinct cast(user_id as bigint), cast(tweet_id as bigint)
        from {MARTS_SCHEMA}.fct_engagements
        where is_engagement and event_at < ?
        """,
        [cutoff],
    ).fetchall():
        seen[int(user_id)].add(int(tweet_id))
    recs: Recommendations = {}
    for user in users:
        own = seen.get(user, set())
        picked: list[int] = []
        for tweet_id in popular:
            if tweet_id not in own:
                picked.append(tweet_id)
                if len(picked) == k:
                    break
        recs[user] = picked
    return recs


def backtest_candidates(con: duckdb.DuckDBPyConnection) -> Relevant:
    candidates: Relevant = defaultdict(set)
    for user_id, tweet_id in con.execute(
        f"""
        select cast(user_id as bigint), cast(tweet_id as bigint)
        from {MARTS_SCHEMA}.feat_scoring_candidates
        where scope = 'backtest'
        """
    ).fetchall():
        candidates[int(user_id)].add(int(tweet_id))
    return dict(candidates)


def candidate_recall(
    recommendations: Recommendations, relevant: Relevant, candidates: Relevant
) -> float | None:
    """Mean over counted users of |relevant & candidates| / |relevant| (None: no user)."""
    users = counted_users(recommendations, relevant)
    if not users:
        return None
    shares = [len(relevant[u] & candidates.get(u, set())) / len(relevant[u]) for u in users]
    return sum(shares) / len(shares)


def ranking_report(
    recommendations: Recommendations, relevant: Relevant, k: int, metrics: tuple[str, ...]
) -> tuple[dict[str, float | None], int]:
    values: dict[str, float | None] = {}
    users = 0
    for name in metrics:
        values[name], users = mean_over_users(RANKING_METRICS[name], recommendations, relevant, k)
    return values, users


def evaluate(
    db_path: Path | str,
    config: EvaluateConfig | None = None,
    model_version: int | None = None,
) -> EvaluationResult:
    """Compute ranking metrics@k for the model and the popularity baseline; write
    ml.evaluations (a re-run replaces that version's rows for this k). An empty
    held-out window returns normally with `nothing_to_evaluate` set."""
    config = config or EvaluateConfig()
    started = time.perf_counter()
    with connect(db_path, read_only=True) as con:
        for table in ("feat_scoring_candidates", "fct_engagements"):
            require_table(con, MARTS_SCHEMA, table)
        require_table(con, ML_SCHEMA, "recommendations")
        version = model_version if model_version is not None else current_model(con).model_version
        cutoff = _first_backtest_as_of(con)
        relevant: Relevant = {}
        model_recs: Recommendations = {}
        baseline_recs: Recommendations = {}
        ceiling = None
        if cutoff is not None:
            relevant = relevant_items(
                con, cutoff, config.exclude_bot_users, config.horizon_hours
            )
            model_recs = model_recommendations(con, version, config.k)
            if not model_recs:
                raise LookupError(
                    f"model version {version} has no backtest recommendations "
                    "(run `python -m ml score`)"
                )
            baseline_recs = popularity_recommendations(
                con, sorted(model_recs), cutoff, config.k, config.exclude_bot_users
            )
            ceiling = candidate_recall(model_recs, relevant, backtest_candidates(con))

    model_values, model_users = ranking_report(model_recs, relevant, config.k, config.metrics)
    baseline_values, baseline_users = ranking_report(
        baseline_recs, relevant, config.k, config.metrics
    )
    evaluated_at = datetime.now(UTC).replace(tzinfo=None)
    rows = [
        (version, evaluated_at, config.k, name, model_values[name], baseline_values[name])
        for name in config.metrics
    ]
    rows.append(
        (version, evaluated_at, config.k, "users_evaluated", model_users, baseline_users)
    )
    rows.append((version, evaluated_at, config.k, "candidate_recall", ceiling, None))
    with connect(db_path) as con:
        init_ml_schema(con)
        con.execute("begin transaction")
        try:
            con.execute(
                "delete from ml.evaluations where model_version = ? and k = ?", [version, config.k]
            )
            con.executemany(
                """
                insert into ml.evaluations
                    (model_version, evaluated_at, k, metric, model_value, baseline_value)
                values (?, ?, ?, ?, ?, ?)
                """,
                rows,
            )
            con.execute("commit")
        except Exception:
            con.execute("rollback")
            raise
    return EvaluationResult(
        model_version=version,
        k=config.k,
        cutoff=cutoff,
        users_evaluated=model_users,
        baseline_users_evaluated=baseline_users,
        candidate_recall=ceiling,
        model=model_values,
        baseline=baseline_values,
        seconds=round(time.perf_counter() - started, 3),
        nothing_to_evaluate=nothing_to_evaluate(cutoff, config, relevant, model_users),
    )
