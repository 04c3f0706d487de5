"""Online = offline, checked: a snapshot's feature vectors and scores against the batch.

For the serving candidates of some users, the vectors the online store assembles are
compared with the point-in-time join's rows (marts.feat_scoring_candidates, read as batch
scoring reads them), and the snapshot model's scores with ml.predictions. Publishing runs
it on a sample before a snapshot becomes current; tests/test_serving.py on every user.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import duckdb
import numpy as np

from ml.db import MARTS_SCHEMA, quote_ident
from ml.features import Feature, feature_matrix
from serving.snapshot import Snapshot


@dataclass(frozen=True)
class ParityReport:
    users: int
    pairs: int
    # Feature name -> rows whose online value differs from the batch one (NaN = NaN).
    mismatched_features: dict[str, int] = field(default_factory=dict)
    max_score_difference: float = 0.0

    def holds(self, tolerance: float = 1e-9) -> bool:
        return not self.mismatched_features and self.max_score_difference <= tolerance

    def describe(self) -> str:
        mismatched = ", ".join(f"{n} ({c} rows)" for n, c in self.mismatched_features.items())
        return (
            f"{self.pairs} serving candidates of {self.users} users: max |online - batch|"
            f" score {self.max_score_difference:.3g}"
            + (f"; features that differ: {mismatched}" if mismatched else "; features equal")
        )


def check_parity(con: duckdb.DuckDBPyConnection, snapshot: Snapshot,
                 users: int | None = 200) -> ParityReport:
    """Compare `users` users' serving candidates (drawn by a fixed hash; None: all)."""
    features = [Feature(name, "float") for name in snapshot.feature_names]
    columns = ", ".join(
        f"cast(candidates.{quote_ident(f.name)} as float) as {quote_ident(f.name)}"
        for f in features
    )
    limit = "" if users is None else f"limit {int(users)}"
    table = con.sql(
        f"""
        with drawn as (
            select distinct user_id from {MARTS_SCHEMA}.feat_scoring_candidates
            where scope = 'serving'
            order by hash(user_id, 'serving-parity'), user_id
            {limit}
        )
        select
            users.user_key,
            tweets.tweet_key,
            predictions.score as batch_score,
            {columns}
        from {MARTS_SCHEMA}.feat_scoring_candidates as candidates
        inner join drawn on candidates.user_id = drawn.user_id
        inner join {MARTS_SCHEMA}.dim_users as users on candidates.user_id = users.user_id
        inner join {MARTS_SCHEMA}.dim_tweets as tweets on candidates.tweet_id = tweets.tweet_id
        left join ml.predictions as predictions
            on
                predictions.model_version = {int(snapshot.model_version)}
                and predictions.scope = 'serving'
                and candidates.user_id = predictions.user_id
                and candidates.tweet_id = predictions.tweet_id
        where candidates.scope = 'serving'
        order by users.user_key, tweets.tweet_key
        """
    ).to_arrow_table()
    batch = feature_matrix(table, features)
    batch_scores = table.column("batch_score").to_numpy(zero_copy_only=False)
    user_keys = table.column("user_key").to_pylist()
    tweet_keys = table.column("tweet_key").to_pylist()
    mismatched = np.zeros(len(features), dtype=np.int64)
    worst = 0.0
    start = 0
    drawn_users = 0
    while start < len(user_keys):
        stop = start
        while stop < len(user_keys) and user_keys[stop] == user_keys[start]:
            stop += 1
        drawn_users += 1
        row = snapshot.user_row(user_keys[start])
        if row is None or snapshot.missing_tweets(tweet_keys[start:stop]):
            mismatched += 1
            worst = float("inf")
        else:
            online = snapshot.features(row, tweet_keys[start:stop])
            expected = batch[start:stop]
            equal = (online == expected) | (np.isnan(online) & np.isnan(expected))
            mismatched += (~equal).sum(axis=0)
            scores = snapshot.score(row, tweet_keys[start:stop])
            difference = np.abs(scores - batch_scores[start:stop])
            worst = max(worst, float(np.nanmax(difference)) if difference.size else 0.0)
            if np.isnan(batch_scores[start:stop]).any():
                worst = float("inf")
        start = stop
    return ParityReport(
        users=drawn_users,
        pairs=len(user_keys),
        mismatched_features={
            f.name: int(n) for f, n in zip(features, mismatched, strict=True) if n
        },
        max_score_difference=worst,
    )
