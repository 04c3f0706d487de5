"""Bot detection against the generator's ground truth, with heavy human users added.

A small log is generated with more bots than the sample (bot_rate 0.005), then 1% of
the human users are made heavy: each of their events is repeated on 49 other days at
the same time of day (50x their volume, their human rhythm kept). int_users_bot_flagged
must find every bot (recall 1) and flag no human, heavy ones included (precision 1).
"""

from __future__ import annotations

import csv
from collections.abc import Callable
from pathlib import Path

import duckdb
import pytest

from datagen.config import GenConfig
from datagen.generate import generate

DAYS = 28
HEAVY_SHARE = 0.01
HEAVY_MULTIPLIER = 50


def make_heavy_humans(raw_dir: Path, truth_dir: Path) -> set[int]:
    """Repeat the events of 1% of the humans (those with >= 10 events) 50x; their ids."""
    events = raw_dir / "raw_events.parquet"
    with (truth_dir / "users_truth.csv").open() as handle:
        humans = sorted(int(r["user_id"]) for r in csv.DictReader(handle) if r["is_bot"] == "false")
    con = duckdb.connect()
    candidates = [
        row[0]
        for row in con.execute(
            f"select cast(user_id as bigint) as u from read_parquet('{events}')"
            " where try_cast(user_id as bigint) is not null group by u having count(*) >= 10"
            " order by u"
        ).fetchall()
        if row[0] in set(humans)
    ]
    n_heavy = max(1, round(HEAVY_SHARE * len(humans)))
    heavy = candidates[:: max(1, len(candidates) // n_heavy)][:n_heavy]
    ids = ", ".join(f"'{u}'" for u in heavy)
    con.execute(
        f"""
        copy (
            select * from read_parquet('{events}')
            union all
            select
                event_id || '-h' || cast(k as varchar) as event_id,
                strftime(shifted, '%Y-%m-%d %H:%M:%S.%g') as event_ts,
                strftime(shifted + (try_cast(ingested_at as timestamp)
                    - try_cast(event_ts as timestamp)), '%Y-%m-%d %H:%M:%S.%g') as ingested_at,
                user_id, tweet_id, event_type, position, client
            from (
                select
                    e.*,
                    case
                        when base + shift >= timestamp '2026-10-01' + to_days({DAYS})
                            then base + shift - to_days({DAYS})
                        else base + shift
                    end as shifted
                from (
                    select
                        e.*,
                        k,
                        try_cast(e.event_ts as timestamp) as base,
                        to_days(cast((k * 11) % {DAYS} as integer)) as shift
                    from read_parquet('{events}') as e
                    cross join range(1, {HEAVY_MULTIPLIER}) as r(k)
                    where e.user_id in ({ids}) and try_cast(e.event_ts as timestamp) is not null
                        and try_cast(e.ingested_at as timestamp) is not null
                ) as e
            )
        ) to '{raw_dir / "heavy.parquet"}' (format parquet)
        """
    )
    con.close()
    (raw_dir / "heavy.parquet").replace(events)
    return set(heavy)


@pytest.fixture(scope="module")
def flags(
    tmp_path_factory: pytest.TempPathFactory, dbt_runner: Callable[..., object]
) -> tuple[dict[int, bool], dict[int, bool], set[int]]:
    """(flag per user, truth per user, heavy human ids) on a generated log."""
    work = tmp_path_factory.mktemp("bots")
    raw, truth = work / "raw", work / "truth"
    cfg = GenConfig(users=2000, tweets=4000, events=60000, days=DAYS, bot_rate=0.005)
    generate(cfg, raw, truth, "parquet")
    heavy = make_heavy_humans(raw, truth)
    db = work / "warehouse.duckdb"
    dbt_runner(
        ["run", "--select", "+int_users_bot_flagged"],
        db,
        work / "target",
        {"raw_data_dir": str(raw)},
    )
    con = duckdb.connect(str(db), read_only=True)
    flagged = dict(
        con.execute("select user_id, is_bot from intermediate.int_users_bot_flagged").fetchall()
    )
    con.close()
    with (truth / "users_truth.csv").open() as handle:
        actual = {int(r["user_id"]): r["is_bot"] == "true" for r in csv.DictReader(handle)}
    return flagged, actual, heavy


def test_heavy_humans_are_fifty_times_as_active(
    flags: tuple[dict[int, bool], dict[int, bool], set[int]],
) -> None:
    _, actual, heavy = flags
    assert len(heavy) == round(HEAVY_SHARE * sum(not bot for bot in actual.values()))
    assert not any(actual[u] for u in heavy)


def test_bot_detection_has_full_precision_and_recall(
    flags: tuple[dict[int, bool], dict[int, bool], set[int]],
) -> None:
    flagged, actual, heavy = flags
    true_bots = {u for u, bot in actual.items() if bot}
    found = {u for u, bot in flagged.items() if bot}
    assert true_bots, "the generated log should hold bots"
    assert found & heavy == set(), "a heavy human user was flagged as a bot"
    assert found == true_bots  # precision 1 and recall 1
