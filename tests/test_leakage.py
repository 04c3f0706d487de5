"""No leakage: a training row's features depend only on events before its impression.

Also (issue 12): appending later data (a user turning bot after a cut-off T, events
past the end) to a built warehouse and re-running changes no training row before T:
none disappears, and none changes a feature, its label or its split.

Rebuild the warehouse from the same seeds after rewriting every raw event that happens
after a cut-off time (types swapped: like <-> retweet, click -> negative_feedback;
counts per user, hour and day stay the same, so the bot flags do not move). Every
training row whose impression is before the cut-off must keep all its f_ features; and,
so this test can fail, rows after the cut-off must show changed features.
"""

from __future__ import annotations

import math
import shutil
from collections.abc import Callable
from datetime import datetime
from pathlib import Path

import duckdb
import pytest
from conftest import ML_MARTS_SELECT, run_dbt

RAW_TS_FORMAT = "%Y-%m-%d %H:%M:%S.%g"
# Floats are compared with this tolerance: a parallel sum may differ in the last bit.
REL_TOL = 1e-12

Rows = dict[str, tuple]


def feature_columns(con: duckdb.DuckDBPyConnection) -> list[str]:
    rows = con.execute(
        """
        select column_name from information_schema.columns
        where table_schema = 'marts' and table_name = 'feat_training_set'
          and column_name like 'f\\_%' escape '\\'
        order by ordinal_position
        """
    ).fetchall()
    return [row[0] for row in rows]


def training_rows(db_path: Path) -> tuple[list[str], Rows, dict[str, datetime]]:
    """(feature names, impression_id -> feature values, impression_id -> impression_at)."""
    with duckdb.connect(str(db_path), read_only=True) as con:
        names = feature_columns(con)
        rows = con.execute(
            f"select impression_id, impression_at, {', '.join(names)} from marts.feat_training_set"
        ).fetchall()
    return names, {r[0]: tuple(r[2:]) for r in rows}, {r[0]: r[1] for r in rows}


def candidate_training_rows(db_path: Path) -> tuple[Rows, dict[str, datetime]]:
    """(request_id -> feature values, request_id -> as_of_at) of the candidate training
    set, features in feat_training_set's order (the same f_ columns)."""
    with duckdb.connect(str(db_path), read_only=True) as con:
        names = feature_columns(con)
        rows = con.execute(
            f"select request_id, as_of_at, {', '.join(names)} "
            "from marts.feat_candidate_training_set"
        ).fetchall()
    return {r[0]: tuple(r[2:]) for r in rows}, {r[0]: r[1] for r in rows}


def same_value(a: object, b: object) -> bool:
    if isinstance(a, float) and isinstance(b, float):
        return math.isclose(a, b, rel_tol=REL_TOL, abs_tol=REL_TOL)
    return a == b


def changed_features(names: list[str], before: tuple, after: tuple) -> list[str]:
    return [n for n, a, b in zip(names, before, after, strict=True) if not same_value(a, b)]


def cutoff_time(db_path: Path) -> datetime:
    """A cut-off 45% into the training window, at an arbitrary time of day."""
    with duckdb.connect(str(db_path), read_only=True) as con:
        start, cutoff = con.execute(
            "select data_start_at, label_cutoff_at from intermediate.int_ml_time_windows"
        ).fetchone()
    return start + (cutoff - start) * 0.45


def rewrite_future_events(db_path: Path, cutoff: datetime) -> int:
    """Swap the types of raw events after `cutoff`; returns how many rows changed."""
    with duckdb.connect(str(db_path)) as con:
        changed = con.execute(
            f"""
            update raw.raw_events
            set event_type = case lower(trim(event_type))
                when 'like' then 'retweet'
                when 'retweet' then 'like'
                when 'click' then 'negative_feedback'
            end
            where try_strptime(event_ts, '{RAW_TS_FORMAT}') > ?
              and lower(trim(event_type)) in ('like', 'retweet', 'click')
            """,
            [cutoff],
        ).fetchone()[0]
    return int(changed)


@pytest.fixture(scope="module")
def leakage_runs(
    ml_warehouse: Path,
    ml_marts_builder: Callable[..., None],
    tmp_path_factory: pytest.TempPathFactory,
):
    """(baseline rows, rows rebuilt with rewritten future events, cut-off, rows changed)."""
    cutoff = cutoff_time(ml_warehouse)
    root = tmp_path_factory.mktemp("leakage")
    db_path = root / "warehouse.duckdb"
    changed: list[int] = []
    ml_marts_builder(
        db_path,
        root / "target",
        after_seed=lambda path: changed.append(rewrite_future_events(path, cutoff)),
    )
    return (
        training_rows(ml_warehouse),
        training_rows(db_path),
        cutoff,
        changed[0],
        (candidate_training_rows(ml_warehouse), candidate_training_rows(db_path)),
    )


def test_rows_before_cutoff_keep_every_feature(leakage_runs) -> None:
    (names, baseline, times), (_, rebuilt, _), cutoff, changed, _ = leakage_runs
    assert changed > 1000, "the rewrite must touch a real share of the events"
    before = [i for i, at in times.items() if at < cutoff]
    assert len(before) > 1000
    missing = [i for i in before if i not in rebuilt]
    assert not missing, f"{len(missing)} training rows before the cut-off disappeared"
    leaks = {
        i: changed_features(names, baseline[i], rebuilt[i])
        for i in before
        if changed_features(names, baseline[i], rebuilt[i])
    }
    assert not leaks, f"{len(leaks)} rows before the cut-off changed: {list(leaks.items())[:3]}"


def test_rows_after_cutoff_do_change(leakage_runs) -> None:
    """The companion: the rewrite is visible downstream, so the test above can fail."""
    (names, baseline, times), (_, rebuilt, _), cutoff, _, _ = leakage_runs
    after = [i for i, at in times.items() if at >= cutoff and i in rebuilt]
    moved = [i for i in after if changed_features(names, baseline[i], rebuilt[i])]
    assert len(moved) > len(after) // 10, f"only {len(moved)} of {len(after)} rows changed"
    moved_names = {n for i in moved for n in changed_features(names, baseline[i], rebuilt[i])}
    # Point-in-time tweet, user-author and daily user features all see the rewrite.
    assert {"f_tweet_engagements", "f_user_author_affinity", "f_user_likes_7d"} <= moved_names


def test_candidate_rows_before_cutoff_keep_every_feature(leakage_runs) -> None:
    """Candidates retrieved as of a time before the cut-off keep their point-in-time and
    retrieval features; those as of a later time see the rewrite. Which rows exist is
    not compared: a training scope keeps the users with a positive in its label window,
    which is future data by design (like a label)."""
    (names, *_), _, cutoff, _, ((baseline, times), (rebuilt, _)) = leakage_runs
    kept = [i for i, at in times.items() if i in rebuilt]
    before = [i for i in kept if times[i] < cutoff]
    after = [i for i in kept if times[i] >= cutoff]
    assert len(before) > 1000 and len(after) > 1000, (len(before), len(after))
    leaks = {
        i: changed_features(names, baseline[i], rebuilt[i])
        for i in before
        if changed_features(names, baseline[i], rebuilt[i])
    }
    assert not leaks, f"{len(leaks)} candidate rows before the cut-off changed: {list(leaks)[:3]}"
    moved = [i for i in after if changed_features(names, baseline[i], rebuilt[i])]
    assert len(moved) > len(after) // 10, f"only {len(moved)} of {len(after)} rows changed"


def test_candidate_labels_end_before_the_test_window(ml_warehouse: Path) -> None:
    """A candidate training row is labelled by engagements before the test window starts:
    the backtest the model is evaluated on never labels a training row."""
    with duckdb.connect(str(ml_warehouse), read_only=True) as con:
        rows, latest, test_start = con.execute(
            """
            select count(*), max(scopes.label_until_at), any_value(windows.test_start_at)
            from marts.feat_candidate_training_set as training
            inner join intermediate.int_ml_scopes as scopes on training.scope = scopes.scope
            cross join intermediate.int_ml_time_windows as windows
            """
        ).fetchone()
    assert rows > 1000
    assert latest <= test_start



# --- Appending later data: a bot-like burst after T and events past the end ---

BURST_EVERY_MINUTES = 5
BURST_HOURS = 72
PAST_END_DAYS = 3


def split_rows(db_path: Path) -> dict[str, tuple]:
    """impression_id -> (split, label, every f_ feature)."""
    with duckdb.connect(str(db_path), read_only=True) as con:
        names = feature_columns(con)
        rows = con.execute(
            f"select impression_id, split, label, {', '.join(names)} from marts.feat_training_set"
        ).fetchall()
    return {r[0]: tuple(r[1:]) for r in rows}


def append_later_data(db_path: Path, cutoff: datetime) -> int:
    """Append to the raw events: a typical human user (about 30 training rows before
    `cutoff`) turning bot right after it (one event every 5 minutes, round the clock,
    for 72 hours, on tweets live then), and a
    copy of the last day's events moved 3 days past the end. Returns the burst's user."""
    with duckdb.connect(str(db_path)) as con:
        user_id = con.execute(
            """
            select user_id from marts.feat_training_set
            where impression_at < ? group by user_id order by abs(count(*) - 30), user_id limit 1
            """,
            [cutoff],
        ).fetchone()[0]
        con.execute(
            f"""
            insert into raw.raw_events
            with live as (
                select tweet_id, row_number() over (order by tweet_id) - 1 as n
                from staging.stg_social__tweets
                where created_at < ? and (deleted_at is null or deleted_at > ? + interval 3 day)
            ),
            burst as (
                select
                    k,
                    ? + interval 1 minute + to_minutes(cast(k * {BURST_EVERY_MINUTES} as bigint))
                        + to_seconds(cast(k % 7 as bigint)) as at
                from range({BURST_HOURS * 60 // BURST_EVERY_MINUTES}) as r(k)
            )
            select
                'burst-' || cast(burst.k as varchar),
                strftime(burst.at, '{RAW_TS_FORMAT}'),
                strftime(burst.at + interval 1 second, '{RAW_TS_FORMAT}'),
                cast(? as varchar),
                cast(live.tweet_id as varchar),
                'impression', '0', 'web'
            from burst
            inner join live on live.n = burst.k % (select count(*) from live)
            """,
            [cutoff, cutoff, cutoff, user_id],
        )
        con.execute(
            f"""
            insert into raw.raw_events
            select
                event_id || '-later',
                strftime(try_strptime(event_ts, '{RAW_TS_FORMAT}')
                    + interval {PAST_END_DAYS} day, '{RAW_TS_FORMAT}'),
                strftime(try_strptime(ingested_at, '{RAW_TS_FORMAT}')
                    + interval {PAST_END_DAYS} day, '{RAW_TS_FORMAT}'),
                user_id, tweet_id, event_type, position, client
            from raw.raw_events
            where try_strptime(event_ts, '{RAW_TS_FORMAT}')
                > (select max(event_at) from marts.fct_engagements) - interval 1 day
            """
        )
    return int(user_id)


@pytest.fixture(scope="module")
def appended_runs(ml_warehouse: Path, tmp_path_factory: pytest.TempPathFactory):
    """(rows before, rows after appending later data and re-running, cut-off, burst user,
    the rebuilt warehouse)."""
    cutoff = cutoff_time(ml_warehouse)
    root = tmp_path_factory.mktemp("appended")
    db_path = root / "warehouse.duckdb"
    shutil.copy(ml_warehouse, db_path)
    burst_user = append_later_data(db_path, cutoff)
    run_dbt(["run", *ML_MARTS_SELECT], db_path, root / "target")
    times = training_rows(ml_warehouse)[2]
    return split_rows(ml_warehouse), split_rows(db_path), cutoff, burst_user, db_path, times


def test_appending_later_data_changes_no_earlier_training_row(appended_runs) -> None:
    """No row before the cut-off disappears, changes a feature, its label or its split."""
    baseline, rebuilt, cutoff, _, _, times = appended_runs
    before = [i for i, at in times.items() if at < cutoff]
    assert len(before) > 1000
    missing = [i for i in before if i not in rebuilt]
    assert not missing, f"{len(missing)} training rows before the cut-off disappeared"
    changed = [i for i in before if not all(map(same_value, baseline[i], rebuilt[i]))]
    examples = [(i, baseline[i][:2], rebuilt[i][:2]) for i in changed[:3]]
    assert not changed, f"{len(changed)} rows before the cut-off changed: {examples}"


def test_the_appended_data_is_really_there(appended_runs) -> None:
    """The companion: the burst made its user a bot after the cut-off (a whole-history
    flag would have dropped their earlier rows), the data now ends later, and the
    recorded split was kept rather than derived from the new end."""
    baseline, rebuilt, cutoff, burst_user, db_path, _ = appended_runs
    with duckdb.connect(str(db_path), read_only=True) as con:
        is_bot, since = con.execute(
            "select is_bot, bot_since_at from intermediate.int_users_bot_flagged where user_id = ?",
            [burst_user],
        ).fetchone()
        split_rule, derived_test, test = con.execute(
            "select windows.split_rule, derived.test_start_at, windows.test_start_at"
            " from intermediate.int_ml_time_windows as windows"
            " cross join intermediate.int_ml_windows_derived as derived"
        ).fetchone()
    assert is_bot and since > cutoff
    assert split_rule == "recorded" and derived_test > test
    assert len(rebuilt) > len(baseline)
