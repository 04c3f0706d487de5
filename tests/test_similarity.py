"""The item-item similarity marts, checked against an independent computation.

numpy / scipy.sparse recompute the spec from marts.fct_engagements (nothing from the
similarity models is reused): distinct non-bot (user, tweet) pairs with an engagement
(is_engagement: never impressions or negative_feedback) before the scope's as-of time;
each user's `history_cap` most recent tweets (latest engagement, ties by smaller
tweet_id; checked with the project's cap and with a small one that binds); n_i,
c_ij = X^T X for the binary user x tweet matrix; pairs with
c_ij >= min_cooccurrence; cosine and jaccard; the top `neighbours_k` per tweet by cosine
with ties broken by the smaller neighbour id, decided exactly on c^2 / (n_i n_j). The
warehouse must hold the same pairs with the same counts, values (1e-9) and ranks.
"""

from __future__ import annotations

import shutil
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from fractions import Fraction
from pathlib import Path

import duckdb
import numpy as np
import pytest
import scipy.sparse as sp
import yaml

TOLERANCE = 1e-9
PROJECT_ROOT = Path(__file__).resolve().parent.parent
# The sample's heaviest users engage with fewer tweets than the default cap, so the cap
# is also checked on a copy of the warehouse rebuilt with this much smaller one.
SMALL_HISTORY_CAP = 15
SIMILARITY_MODELS = ["int_sim_user_tweet_history", "int_sim_tweet_pairs", "sim_tweet_tweet"]


@dataclass(frozen=True)
class SimilaritySpec:
    history_cap: int
    min_cooccurrence: int
    neighbours_k: int
    # None: derived from the data, as int_ml_time_windows does (recomputed below).
    label_horizon_hours: int | None
    test_days: int | None
    eval_window_share: float
    negative_sampling: str
    negative_sampling_max_impression_share: float


def spec_from_project() -> SimilaritySpec:
    """The vars the models run with, read from dbt_project.yml (no dbt involved)."""
    project = yaml.safe_load((PROJECT_ROOT / "dbt_project.yml").read_text())
    dbt_vars = project["vars"]
    return SimilaritySpec(
        history_cap=int(dbt_vars["history_cap"]),
        min_cooccurrence=int(dbt_vars["min_cooccurrence"]),
        neighbours_k=int(dbt_vars["neighbours_k"]),
        label_horizon_hours=_int_or_auto(dbt_vars["label_horizon_hours"]),
        test_days=_int_or_auto(dbt_vars["test_days"]),
        eval_window_share=float(dbt_vars["eval_window_share"]),
        negative_sampling=str(dbt_vars["negative_sampling"]),
        negative_sampling_max_impression_share=float(
            dbt_vars["negative_sampling_max_impression_share"]
        ),
    )


def _int_or_auto(value: object) -> int | None:
    return None if value is None or value == "auto" else int(value)


def label_horizon_hours(first_event: datetime, last_event: datetime, spec: SimilaritySpec) -> int:
    """The var, or derived: 24 h, at most an eighth of the span, at least 1 h."""
    if spec.label_horizon_hours is not None:
        return spec.label_horizon_hours
    return min(24, max(1, int((last_event - first_event).total_seconds() // (8 * 3600))))


def labelled_request_times(
    con: duckdb.DuckDBPyConnection, label_cutoff: datetime, spec: SimilaritySpec
) -> list[datetime]:
    """What training is anchored on, up to the cutoff: human impressions, or human
    engagements when the log trains on sampled negatives (few or no impressions)."""
    impressions, events = con.execute(
        "select count(*) filter (where event_type = 'impression'), count(*)"
        " from marts.fct_engagements where not is_bot_user"
    ).fetchone()
    sampling = spec.negative_sampling == "always" or (
        spec.negative_sampling == "auto"
        and impressions < spec.negative_sampling_max_impression_share * events
    )
    kind = "is_engagement" if sampling else "event_type = 'impression'"
    rows = con.execute(
        f"select event_at from marts.fct_engagements"
        f" where {kind} and not is_bot_user and event_at <= ?",
        [label_cutoff],
    ).fetchall()
    return [row[0] for row in rows]


def derived_test_units(offsets: list[int], share: float) -> int:
    """The test window length int_ml_time_windows derives, recomputed here: the
    whole units back from the cutoff's whose labelled requests (one offset each)
    come closest to `share` of all of them, ties to fewer units, at least 1,
    leaving two units with requests before it."""
    counts = Counter(offsets)
    total = len(offsets)
    span = max(offsets) + 1 if offsets else 0
    best: tuple[float, int] | None = None
    cumulative = 0
    for offset in sorted(counts):
        cumulative += counts[offset]
        units = offset + 1
        if units > span - 2:
            break
        candidate = (abs(cumulative / total - share), units)
        best = candidate if best is None or candidate < best else best
    return best[1] if best else 1


# (tweet_id, neighbour_tweet_id) -> (n_tweet, n_neighbour, co_users, cosine, jaccard)
PairValues = dict[tuple[int, int], tuple[int, int, int, float, float]]


def as_of_times(con: duckdb.DuckDBPyConnection, spec: SimilaritySpec) -> dict[str, datetime]:
    """Each scope's as-of time, derived here from the event times alone."""
    first_event, last_event = con.execute(
        "select min(event_at), max(event_at) from marts.fct_engagements"
    ).fetchone()
    label_cutoff = last_event - timedelta(hours=label_horizon_hours(first_event, last_event, spec))
    times = labelled_request_times(con, label_cutoff, spec)
    cutoff_day = datetime(label_cutoff.year, label_cutoff.month, label_cutoff.day)
    cutoff_hour = cutoff_day + timedelta(hours=label_cutoff.hour)
    # Whole days, or whole hours when the requests fall on fewer than 3 days.
    days = [(cutoff_day - datetime(t.year, t.month, t.day)).days for t in times]
    if spec.test_days is not None or len(set(days)) >= 3:
        unit, start, offsets = timedelta(days=1), cutoff_day, days
    else:
        hour_starts = [datetime(t.year, t.month, t.day, t.hour) for t in times]
        offsets = [int((cutoff_hour - h).total_seconds() // 3600) for h in hour_starts]
        unit, start = timedelta(hours=1), cutoff_hour
    test_units = spec.test_days or derived_test_units(offsets, spec.eval_window_share)
    return {
        "serving": last_event + timedelta(microseconds=1),
        "backtest": start - unit * (test_units - 1),
    }


def capped_histories(
    con: duckdb.DuckDBPyConnection, as_of: datetime, cap: int
) -> tuple[np.ndarray, np.ndarray]:
    """(user_ids, tweet_ids) of every user's `cap` most recently engaged tweets."""
    rows = con.execute(
        """
        select user_id, tweet_id, epoch_us(max(event_at)) as last_us
        from marts.fct_engagements
        where is_engagement and not is_bot_user and event_at < ?
        group by user_id, tweet_id
        """,
        [as_of],
    ).fetchnumpy()
    users = np.asarray(rows["user_id"], dtype=np.int64)
    tweets = np.asarray(rows["tweet_id"], dtype=np.int64)
    last = np.asarray(rows["last_us"], dtype=np.int64)
    # Sort by user, most recent first, then smaller tweet id; keep the first `cap`.
    order = np.lexsort((tweets, -last, users))
    users, tweets = users[order], tweets[order]
    starts = np.r_[0, np.flatnonzero(np.diff(users)) + 1]
    position = np.arange(len(users)) - np.repeat(starts, np.diff(np.r_[starts, len(users)]))
    keep = position < cap
    return users[keep], tweets[keep]


def all_pairs(users: np.ndarray, tweets: np.ndarray, min_cooccurrence: int) -> PairValues:
    """The full thresholded pair set by sparse matrix product."""
    user_index, user_codes = np.unique(users, return_inverse=True)
    tweet_index, tweet_codes = np.unique(tweets, return_inverse=True)
    matrix = sp.csr_matrix(
        (np.ones(len(users), dtype=np.int64), (user_codes, tweet_codes)),
        shape=(len(user_index), len(tweet_index)),
    )
    n_users = np.asarray(matrix.sum(axis=0)).ravel()
    co = (matrix.T @ matrix).tocoo()
    keep = (co.row != co.col) & (co.data >= min_cooccurrence)
    rows, cols, counts = co.row[keep], co.col[keep], co.data[keep]
    n_i, n_j = n_users[rows], n_users[cols]
    cosine = counts / np.sqrt(n_i.astype(float) * n_j)
    jaccard = counts / (n_i + n_j - counts).astype(float)
    return {
        (int(tweet_index[i]), int(tweet_index[j])): (int(a), int(b), int(c), float(cs), float(jc))
        for i, j, a, b, c, cs, jc in zip(
            rows, cols, n_i, n_j, counts, cosine, jaccard, strict=True
        )
    }


def top_k(pairs: PairValues, k: int) -> dict[tuple[int, int], int]:
    """(tweet, neighbour) -> rank for each tweet's k best neighbours (exact tie rule)."""
    by_tweet: dict[int, list[tuple[Fraction, int]]] = {}
    for (tweet, neighbour), (n_i, n_j, c, _, _) in pairs.items():
        by_tweet.setdefault(tweet, []).append((Fraction(c * c, n_i * n_j), neighbour))
    ranks = {}
    for tweet, candidates in by_tweet.items():
        candidates.sort(key=lambda item: (-item[0], item[1]))
        for rank, (_, neighbour) in enumerate(candidates[:k], start=1):
            ranks[(tweet, neighbour)] = rank
    return ranks


def warehouse_table(con: duckdb.DuckDBPyConnection, table: str, scope: str) -> dict:
    rows = con.execute(
        f"""
        select tweet_id, neighbour_tweet_id, n_tweet, n_neighbour, co_users, cosine, jaccard
            {", neighbour_rank" if table.endswith("sim_tweet_tweet") else ""}
        from {table} where scope = ?
        """,
        [scope],
    ).fetchall()
    return {(row[0], row[1]): tuple(row[2:]) for row in rows}


def assert_same_values(expected: PairValues, actual: dict, what: str) -> None:
    assert set(actual) == set(expected), (
        f"{what}: {len(set(expected) - set(actual))} pairs missing, "
        f"{len(set(actual) - set(expected))} unexpected"
    )
    for pair, (n_i, n_j, c, cosine, jaccard) in expected.items():
        got = actual[pair]
        assert got[:3] == (n_i, n_j, c), (what, pair, got, (n_i, n_j, c))
        assert abs(got[3] - cosine) <= TOLERANCE, (what, pair, got[3], cosine)
        assert abs(got[4] - jaccard) <= TOLERANCE, (what, pair, got[4], jaccard)


@pytest.fixture(scope="module")
def spec() -> SimilaritySpec:
    return spec_from_project()


@pytest.fixture(scope="module")
def con(ml_warehouse: Path):
    with duckdb.connect(str(ml_warehouse), read_only=True) as connection:
        yield connection


@pytest.fixture(scope="module")
def small_cap_con(
    ml_warehouse: Path,
    dbt_runner: Callable[..., object],
    tmp_path_factory: pytest.TempPathFactory,
):
    """A copy of the warehouse whose similarity models ran with history_cap = 15."""
    root = tmp_path_factory.mktemp("small_cap")
    db_path = root / "warehouse.duckdb"
    shutil.copy(ml_warehouse, db_path)
    dbt_runner(
        ["run", "--select", *SIMILARITY_MODELS],
        db_path,
        root / "target",
        {"history_cap": SMALL_HISTORY_CAP},
    )
    with duckdb.connect(str(db_path), read_only=True) as connection:
        yield connection


def expected_for(
    con: duckdb.DuckDBPyConnection, spec: SimilaritySpec
) -> dict[str, PairValues]:
    pairs = {}
    for scope, as_of in as_of_times(con, spec).items():
        users, tweets = capped_histories(con, as_of, spec.history_cap)
        pairs[scope] = all_pairs(users, tweets, spec.min_cooccurrence)
    return pairs


@pytest.fixture(scope="module")
def expected_pairs(con: duckdb.DuckDBPyConnection, spec: SimilaritySpec) -> dict[str, PairValues]:
    return expected_for(con, spec)


def assert_top_k_matches(
    con: duckdb.DuckDBPyConnection, expected: PairValues, scope: str, k: int
) -> dict:
    ranks = top_k(expected, k)
    actual = warehouse_table(con, "marts.sim_tweet_tweet", scope)
    assert_same_values({pair: expected[pair] for pair in ranks}, actual, f"{scope} top-k")
    wrong_rank = {
        pair: (actual[pair][5], rank) for pair, rank in ranks.items() if actual[pair][5] != rank
    }
    assert not wrong_rank, f"neighbour_rank differs: {list(wrong_rank.items())[:5]}"
    return actual


def test_serving_scope_top_k_matches_independent_computation(
    con: duckdb.DuckDBPyConnection, spec: SimilaritySpec, expected_pairs: dict[str, PairValues]
) -> None:
    actual = assert_top_k_matches(con, expected_pairs["serving"], "serving", spec.neighbours_k)
    assert len(actual) > 1000, "the sample should give a non-trivial similarity table"


def test_backtest_scope_matches_independent_computation(
    con: duckdb.DuckDBPyConnection, spec: SimilaritySpec, expected_pairs: dict[str, PairValues]
) -> None:
    actual = assert_top_k_matches(con, expected_pairs["backtest"], "backtest", spec.neighbours_k)
    assert 0 < len(actual) < len(warehouse_table(con, "marts.sim_tweet_tweet", "serving"))


def test_full_pair_set_matches_and_is_symmetric(
    con: duckdb.DuckDBPyConnection, expected_pairs: dict[str, PairValues]
) -> None:
    for scope, expected in expected_pairs.items():
        actual = warehouse_table(con, "intermediate.int_sim_tweet_pairs", scope)
        assert_same_values(expected, actual, f"int_sim_tweet_pairs {scope}")
        for (i, j), (n_i, n_j, c, cosine, jaccard) in actual.items():
            assert actual[(j, i)] == (n_j, n_i, c, cosine, jaccard)
            assert 0 < cosine <= 1 and 0 < jaccard <= 1


def test_small_history_cap_matches_independent_computation(
    small_cap_con: duckdb.DuckDBPyConnection, spec: SimilaritySpec
) -> None:
    small = replace(spec, history_cap=SMALL_HISTORY_CAP)
    expected = expected_for(small_cap_con, small)
    assert_top_k_matches(small_cap_con, expected["serving"], "serving", small.neighbours_k)
    assert_same_values(
        expected["serving"],
        warehouse_table(small_cap_con, "intermediate.int_sim_tweet_pairs", "serving"),
        "small-cap pairs",
    )


def test_small_history_cap_binds(
    small_cap_con: duckdb.DuckDBPyConnection, con: duckdb.DuckDBPyConnection
) -> None:
    """Guards the test above from passing vacuously: the cap removes history and pairs."""
    heaviest = small_cap_con.execute(
        """
        select max(tweets) from (
            select user_id, count(distinct tweet_id) as tweets
            from marts.fct_engagements
            where is_engagement and not is_bot_user
            group by user_id
        )
        """
    ).fetchone()[0]
    assert heaviest > SMALL_HISTORY_CAP
    capped = small_cap_con.execute(
        "select count(*) from intermediate.int_sim_tweet_pairs where scope = 'serving'"
    ).fetchone()[0]
    full = con.execute(
        "select count(*) from intermediate.int_sim_tweet_pairs where scope = 'serving'"
    ).fetchone()[0]
    assert capped < full
