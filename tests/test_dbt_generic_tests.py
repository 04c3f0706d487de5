"""The project's own generic dbt tests (macros/tests/) catch what they claim to.

A generic test that can never fail is worse than none, so this builds the core models
on a tiny hand-made raw data set (through the bring-your-own-data var), breaks one
table in a known way per test, and checks that exactly those tests fail.
"""

from __future__ import annotations

import json
import subprocess
from collections.abc import Callable
from pathlib import Path

import duckdb
import pytest

DbtRunner = Callable[..., subprocess.CompletedProcess[str]]

RAW_FILES = {
    "raw_users.csv": """user_id,signup_at,country,language,is_verified
1,2026-10-01 08:00:00.000,US,en,true
2,2026-10-02 09:30:00.500,GB,en,false
3,2026-10-03 10:00:00.000,FR,fr,false
""",
    "raw_tweets.csv": """tweet_id,author_id,created_at,topic,has_media,deleted_at
100,1,2026-10-30 10:00:00.000,sports,true,
101,2,2026-10-30 11:00:00.000,music,false,
""",
    "raw_follows.csv": """follower_id,followee_id,followed_at
2,1,2026-10-10 10:00:00.000
3,1,2026-10-11 10:00:00.000
""",
    "raw_events.csv": """event_id,event_ts,ingested_at,user_id,tweet_id,event_type,position,client
e1,2026-11-01 12:00:00.000,2026-11-01 12:00:01.000,2,100,impression,0,ios
e2,2026-11-01 12:00:05.000,2026-11-01 12:00:06.000,2,100,like,0,ios
e3,2026-11-01 12:30:05.000,2026-11-01 12:30:06.000,2,101,impression,1,ios
e4,2026-11-03 13:10:00.000,2026-11-03 13:10:01.000,2,101,click,1,ios
e5,2026-11-01 12:00:00.000,2026-11-01 12:00:01.000,3,101,impression,0,web
e6,2026-11-01 12:00:10.000,2026-11-01 12:00:11.000,3,101,retweet,0,web
""",
    "raw_app_logs.csv": """log_id,line
1,2026-11-01T12:00:03.120Z INFO timeline.fetch user=2 tweets=20 latency_ms=84 status=200 client=ios
""",
}

# Each breakage (SQL run on the built warehouse) and the generic test it must trip.
BREAKAGES = {
    "unique_combination_of_columns": (
        "insert into intermediate.int_tweet_engagement_hourly"
        " select * from intermediate.int_tweet_engagement_hourly limit 1"
    ),
    "row_count_equal": "delete from marts.fct_engagements where event_id = 'e6'",
    "at_least_one": (
        "update marts.fct_engagements set event_id = null"
    ),
    "contiguous_dates": (
        "delete from intermediate.int_user_activity_daily"
        " where user_id = 2 and activity_date = date '2026-11-02'"
    ),
}
# row_checks: one breakage per kind of rule, run after BREAKAGES, and the rules that each
# table's row_checks must then report broken, with how many rows break each.
ROW_CHECK_BREAKAGES = [
    "update marts.fct_engagements set position = -1 where user_id = 2 and tweet_id = 100"
    " and event_type = 'like'",
    "update marts.fct_engagements set is_engagement = not is_engagement"
    " where user_id = 2 and tweet_id = 101 and event_type = 'impression'",
    # An unknown type that keeps the is_engagement expression true.
    "update marts.fct_engagements set event_type = 'poke', is_engagement = true"
    " where user_id = 3 and event_type = 'impression'",
    "update marts.fct_engagements set session_id = null where event_type = 'click'",
    # Deleted before it was created: caught only among deleted tweets (its `where`), so
    # the same dates on tweet 100, not deleted, break nothing.
    "update marts.dim_tweets set deleted_at = created_at - interval 1 day",
    "update marts.dim_tweets set is_deleted = true where tweet_id = 101",
]
BROKEN_RULES = {
    "fct_engagements": {
        "accepted_range(position)": 1,
        "expression(is_engagement = (event_type not in ('impression', 'negative_feedback')))": 1,
        "accepted_values(event_type)": 1,
        "not_null(session_id)": 1,
        # The at_least_one breakage, over the 5 rows row_count_equal's left.
        "not_null(event_id)": 5,
    },
    "dim_tweets": {"expression(deleted_at >= created_at)": 1},
}
BROKEN_MODELS = [
    "fct_engagements", "int_tweet_engagement_hourly", "int_user_activity_daily", "dim_tweets"
]


def failed_tests(target_path: Path) -> set[str]:
    """unique_ids of the data tests that failed in the last dbt invocation."""
    results = json.loads((target_path / "run_results.json").read_text())["results"]
    return {r["unique_id"] for r in results if r["status"] in {"fail", "error"}}


@pytest.fixture(scope="module")
def built_warehouse(
    tmp_path_factory: pytest.TempPathFactory, dbt_runner: DbtRunner
) -> tuple[Path, Path]:
    """(warehouse, target dir) with the core models built and tested on the tiny data."""
    work = tmp_path_factory.mktemp("generic_tests")
    raw_dir = work / "raw"
    raw_dir.mkdir()
    for name, text in RAW_FILES.items():
        (raw_dir / name).write_text(text)
    db_path, target = work / "warehouse.duckdb", work / "target"
    selection = ["+" + model for model in BROKEN_MODELS]
    dbt_runner(
        ["build", "--select", *selection, "--indirect-selection", "buildable"],
        db_path,
        target,
        {"raw_data_dir": str(raw_dir)},
    )
    return db_path, target


def test_generic_tests_pass_on_intact_models(
    built_warehouse: tuple[Path, Path], dbt_runner: DbtRunner
) -> None:
    db_path, target = built_warehouse
    # The fixture's build ran every test already; dbt_runner raised if one failed.
    assert failed_tests(target) == set()
    assert db_path.exists()


def test_each_generic_test_fails_on_its_breakage(
    built_warehouse: tuple[Path, Path], dbt_runner: DbtRunner
) -> None:
    db_path, target = built_warehouse
    with duckdb.connect(str(db_path)) as con:
        for statement in [*BREAKAGES.values(), *ROW_CHECK_BREAKAGES]:
            con.execute(statement)

    with pytest.raises(AssertionError):
        dbt_runner(
            [
                "test",
                "--select",
                *BROKEN_MODELS,
                "--exclude",
                "test_type:unit",
                "--indirect-selection",
                "buildable",
            ],
            db_path,
            target,
        )
    failed = failed_tests(target)
    for generic_test in BREAKAGES:
        assert any(f".{generic_test}_" in unique_id for unique_id in failed), generic_test
    results = json.loads((target / "run_results.json").read_text())["results"]
    with duckdb.connect(str(db_path), read_only=True) as con:
        for model, expected in BROKEN_RULES.items():
            (result,) = [
                r for r in results
                if r["unique_id"].startswith(f"test.social_ml.row_checks_{model}.")
            ]
            assert result["unique_id"] in failed, model
            compiled = result["compiled_code"]
            assert dict(con.execute(compiled).fetchall()) == expected, model
