"""The synthetic event generator: determinism, dirt rates, contract, latent structure, CLI.

Small runs go to tmp_path; a few structure checks use the checked-in sample (seeds/,
ground_truth/), which a test also proves is exactly what the default CLI writes.
"""

from __future__ import annotations

import datetime as dt
import re
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import duckdb
import numpy as np
import pyarrow as pa
import pyarrow.csv as pacsv
import pyarrow.parquet as pq
import pytest

import datagen.generate
from datagen.cli import main
from datagen.config import EVENT_TYPES, RATE_FIELDS, GenConfig
from datagen.generate import generate

ROOT = Path(__file__).resolve().parent.parent
RAW_TABLES = ("raw_users", "raw_tweets", "raw_follows", "raw_events", "raw_app_logs")
TRUTH_FILES = ("tweet_topics", "user_preferences", "users_truth", "dirt_counts")
SMALL = GenConfig(users=400, tweets=900, events=20_000, days=7)
TS_FORMAT = "%Y-%m-%d %H:%M:%S.%f"
TS_SHAPE = re.compile(r"^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}\.\d{3}$")
LOG_LINE = re.compile(
    r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z (DEBUG|INFO|WARN|ERROR) [a-z_.]+"
    r"( (user|tweets|latency_ms|status)=\d+| client=(ios|android|web))*$"
)


def parses(text: str | None) -> bool:
    """The contract's rule: a timestamp is well-formed iff it parses with the format."""
    if text is None or not TS_SHAPE.match(text):
        return False
    try:
        dt.datetime.strptime(text, TS_FORMAT)
    except ValueError:
        return False
    return True


def read_text_csv(path: Path) -> pa.Table:
    """Every column as text (empty unquoted field = null), as the warehouse loads raw files."""
    header = path.open().readline().strip().replace('"', "").split(",")
    opts = pacsv.ConvertOptions(
        column_types=dict.fromkeys(header, pa.string()),
        strings_can_be_null=True,
        quoted_strings_can_be_null=False,
    )
    return pacsv.read_csv(path, convert_options=opts)


def run(tmp: Path, cfg: GenConfig = SMALL, fmt: str = "csv") -> tuple[Path, Path]:
    out, truth = tmp / "raw", tmp / "truth"
    generate(cfg, out, truth, fmt)
    return out, truth


@pytest.fixture(scope="module")
def small(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    return run(tmp_path_factory.mktemp("small"))


@pytest.fixture(scope="module")
def con(small: tuple[Path, Path]) -> duckdb.DuckDBPyConnection:
    """DuckDB views over the small run: raw tables as text, truth typed."""
    out, truth = small
    db = duckdb.connect()
    for name in RAW_TABLES:
        db.register(f"{name}_arrow", read_text_csv(out / f"{name}.csv"))
        db.execute(f"create table {name} as select * from {name}_arrow")
    for name in TRUTH_FILES:
        db.execute(f"create table {name} as select * from read_csv('{truth / name}.csv')")
    prepare(db)
    return db


def dirt(con: duckdb.DuckDBPyConnection) -> dict[str, int]:
    return dict(con.execute("select kind, rows from dirt_counts").fetchall())


# --- determinism -----------------------------------------------------------------------


def test_same_seed_same_bytes_and_other_seed_differs(tmp_path: Path) -> None:
    a_out, a_truth = run(tmp_path / "a")
    b_out, b_truth = run(tmp_path / "b")
    c_out, _ = run(tmp_path / "c", SMALL.replace(seed=SMALL.seed + 1))
    for name in RAW_TABLES:
        assert (a_out / f"{name}.csv").read_bytes() == (b_out / f"{name}.csv").read_bytes()
    for name in TRUTH_FILES:
        assert (a_truth / f"{name}.csv").read_bytes() == (b_truth / f"{name}.csv").read_bytes()
    for name in ("raw_events", "raw_tweets", "raw_follows", "raw_app_logs"):
        assert (a_out / f"{name}.csv").read_bytes() != (c_out / f"{name}.csv").read_bytes()


def test_chunked_event_writing_gives_the_same_bytes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """raw_events is formatted and written in chunks; chunk size must not show in the file."""
    whole, _ = run(tmp_path / "whole")
    monkeypatch.setattr(datagen.generate, "EVENT_CHUNK", 997)
    chunked, _ = run(tmp_path / "chunked")
    assert (whole / "raw_events.csv").read_bytes() == (chunked / "raw_events.csv").read_bytes()


def test_checked_in_sample_is_what_the_default_cli_writes(tmp_path: Path) -> None:
    """`make seeds` output never drifts from the generator: regenerate and compare bytes."""
    code = main(["--out", str(tmp_path / "seeds"), "--truth-dir", str(tmp_path / "gt"), "--quiet"])
    assert code == 0
    for name in RAW_TABLES:
        fresh = (tmp_path / "seeds" / f"{name}.csv").read_bytes()
        assert fresh == (ROOT / "seeds" / f"{name}.csv").read_bytes(), f"seeds/{name}.csv drifted"
    for name in TRUTH_FILES:
        fresh = (tmp_path / "gt" / f"{name}.csv").read_bytes()
        assert fresh == (ROOT / "ground_truth" / f"{name}.csv").read_bytes(), name


# --- contract --------------------------------------------------------------------------


def contract_columns() -> dict[str, list[str]]:
    """Column names per raw table, read from the tables in docs/raw_data_contract.md."""
    text = (ROOT / "docs" / "raw_data_contract.md").read_text()
    tables: dict[str, list[str]] = {}
    for section in re.split(r"^## ", text, flags=re.M)[1:]:
        name = section.split(":")[0].strip()
        if name.startswith("raw_"):
            rows = re.findall(r"^\| (\w+) \|", section, flags=re.M)
            tables[name] = [r for r in rows if r != "column"]
    return tables


def test_files_carry_exactly_the_contract_columns(small: tuple[Path, Path]) -> None:
    expected = contract_columns()
    assert set(expected) == set(RAW_TABLES)
    for name in RAW_TABLES:
        header = (small[0] / f"{name}.csv").open().readline().strip().replace('"', "")
        assert header.split(",") == expected[name], name


def test_entity_timestamps_are_well_formed_and_ids_unique(con) -> None:
    for table, column in (
        ("raw_users", "signup_at"),
        ("raw_tweets", "created_at"),
        ("raw_follows", "followed_at"),
        ("raw_events", "ingested_at"),
    ):
        values = [r[0] for r in con.execute(f"select {column} from {table}").fetchall()]
        assert all(parses(v) for v in values), f"{table}.{column}"
    deleted = con.execute("select deleted_at from raw_tweets where deleted_at is not null")
    assert all(parses(r[0]) for r in deleted.fetchall())
    for table, key in (("raw_users", "user_id"), ("raw_tweets", "tweet_id")):
        n, distinct = con.execute(f"select count(*), count(distinct {key}) from {table}").fetchone()
        assert n == distinct
    dup_edges = con.execute(
        "select count(*) - count(distinct (follower_id, followee_id)) from raw_follows"
    ).fetchone()[0]
    assert dup_edges == 0


# --- dirt rates ------------------------------------------------------------------------

CANONICAL = "lower(trim(event_type)) in ({})".format(", ".join(f"'{t}'" for t in EVENT_TYPES))


def prepare(con: duckdb.DuckDBPyConnection) -> None:
    """parses() as a SQL function and first_delivery: each event_id's earliest row."""
    con.create_function("parses", parses, ["VARCHAR"], "BOOLEAN", null_handling="special")
    first = """
        with firsts as (
            select *, row_number() over (partition by event_id order by ingested_at) as nth
            from raw_events
        )
        select * from firsts where nth = 1
    """
    con.execute(f"create table first_delivery as {first}")


def detected_dirt(con: duckdb.DuckDBPyConnection) -> dict[str, int]:
    """Count each kind of dirt from the raw rows alone, as staging would find it."""
    ts = "cast(event_ts as timestamp)"
    ing = "cast(ingested_at as timestamp)"
    queries = {
        "duplicates": "select count(*) - count(distinct event_id) from raw_events",
        "unknown_types": f"select count(*) from first_delivery where not {CANONICAL}",
        "type_variants": f"select count(*) from first_delivery where {CANONICAL} "
        "and event_type not in (select unnest(?))",
        "missing_users": "select count(*) from first_delivery where user_id is null",
        "unknown_users": "select count(*) from first_delivery where user_id is not null "
        "and user_id not in (select user_id from raw_users)",
        "malformed_timestamps": "select count(*) from first_delivery where not parses(event_ts)",
        "future_skew": f"select count(*) from first_delivery where parses(event_ts) "
        f"and {ts} > {ing} + interval 1 hour",
        "late_arrivals": f"select count(*) from first_delivery where parses(event_ts) "
        f"and {ing} > {ts} + interval 1 hour",
        "unknown_tweets": "select count(*) from first_delivery "
        "where tweet_id not in (select tweet_id from raw_tweets)",
        "deleted_tweet_events": f"select count(*) from first_delivery e join raw_tweets t "
        f"using (tweet_id) where parses(e.event_ts) and {ts} > cast(t.deleted_at as timestamp)",
    }
    found = {}
    for kind, sql in queries.items():
        params = [list(EVENT_TYPES)] if "unnest(?)" in sql else []
        found[kind] = con.execute(sql, params).fetchone()[0]
    return found


def test_each_dirt_rate_lands_near_what_was_asked(con) -> None:
    counts = dirt(con)
    clean = counts["clean_events"]
    found = detected_dirt(con)
    for kind, rate_field in (
        ("duplicates", "duplicate_rate"),
        ("unknown_types", "unknown_type_rate"),
        ("type_variants", "type_variant_rate"),
        ("missing_users", "missing_user_rate"),
        ("unknown_users", "unknown_user_rate"),
        ("malformed_timestamps", "malformed_ts_rate"),
        ("future_skew", "future_skew_rate"),
        ("late_arrivals", "late_rate"),
        ("unknown_tweets", "unknown_tweet_rate"),
        ("deleted_tweet_events", "deleted_tweet_event_rate"),
    ):
        asked = getattr(SMALL, rate_field)
        observed = found[kind] / clean
        # Dirt kinds overlap a little (a copied row may itself be late or a variant).
        assert abs(observed - asked) <= 0.15 * asked + 0.001, (kind, observed, asked)
        assert counts[kind] == round(asked * clean), kind


def test_malformed_log_share_lands_near_what_was_asked(con) -> None:
    lines = [r[0] for r in con.execute("select line from raw_app_logs").fetchall()]
    bad = sum(1 for line in lines if line is None or not LOG_LINE.match(line))
    assert abs(bad / len(lines) - SMALL.malformed_log_rate) <= 0.002
    assert dirt(con)["malformed_log_lines"] == bad
    ids = [r[0] for r in con.execute("select log_id from raw_app_logs").fetchall()]
    assert len(set(ids)) == len(ids)


def test_dirt_rates_follow_the_flags(tmp_path: Path) -> None:
    """Zero rates give a spotless stream; a raised rate raises the count."""
    zero = dict.fromkeys(RATE_FIELDS, 0.0)
    zero.update(tweet_delete_rate=SMALL.tweet_delete_rate, bot_rate=SMALL.bot_rate)
    out, truth = run(tmp_path / "clean", SMALL.replace(**zero))
    counts = {r["kind"]: r["rows"] for r in pacsv.read_csv(truth / "dirt_counts.csv").to_pylist()}
    assert counts["clean_events"] == read_text_csv(out / "raw_events.csv").num_rows
    assert counts["malformed_log_lines"] == 0
    out, truth = run(tmp_path / "dups", SMALL.replace(duplicate_rate=0.2))
    events = read_text_csv(out / "raw_events.csv")
    ids = events.column("event_id").to_pylist()
    assert abs((len(ids) - len(set(ids))) / counts["clean_events"] - 0.2) < 0.03


# --- clean-stream guarantees -----------------------------------------------------------


def clean_events_sql() -> str:
    """What staging keeps: first delivery, known ids, parseable and not future, live tweet."""
    return f"""
        select
            e.event_id,
            cast(e.event_ts as timestamp) as event_ts,
            cast(e.user_id as bigint) as user_id,
            cast(e.tweet_id as bigint) as tweet_id,
            lower(trim(e.event_type)) as event_type
        from first_delivery as e
        join raw_tweets as t on t.tweet_id = e.tweet_id
        where e.user_id in (select user_id from raw_users)
          and parses(e.event_ts)
          and {CANONICAL}
          and cast(e.event_ts as timestamp) <= cast(e.ingested_at as timestamp)
          and (t.deleted_at is null
               or cast(e.event_ts as timestamp) < cast(t.deleted_at as timestamp))
    """


def test_cleaning_recovers_exactly_the_clean_events_and_engagements_follow_impressions(
    con,
) -> None:
    con.execute(f"create or replace temp table clean as {clean_events_sql()}")
    assert con.execute("select count(*) from clean").fetchone()[0] == dirt(con)["clean_events"]
    orphans = con.execute(
        """
        select count(*) from clean as g
        where g.event_type <> 'impression'
          and not exists (
              select 1 from clean as i
              where i.event_type = 'impression' and i.user_id = g.user_id
                and i.tweet_id = g.tweet_id and i.event_ts < g.event_ts
          )
        """
    ).fetchone()[0]
    assert orphans == 0
    types = {r[0] for r in con.execute("select distinct event_type from clean").fetchall()}
    assert types == set(EVENT_TYPES)


# --- latent structure ------------------------------------------------------------------


@pytest.fixture(scope="module")
def sample() -> duckdb.DuckDBPyConnection:
    """The checked-in sample, cleaned the way staging would (humans only where noted)."""
    db = duckdb.connect()
    for name in RAW_TABLES:
        db.register(f"{name}_arrow", read_text_csv(ROOT / "seeds" / f"{name}.csv"))
        db.execute(f"create table {name} as select * from {name}_arrow")
    for name in TRUTH_FILES:
        path = ROOT / "ground_truth" / f"{name}.csv"
        db.execute(f"create table {name} as select * from read_csv('{path}')")
    prepare(db)
    db.execute(f"create table clean as {clean_events_sql()}")
    db.execute(
        "create table human as select * from clean "
        "where user_id in (select user_id from users_truth where not is_bot)"
    )
    return db


def test_users_engage_far_more_with_their_preferred_topics(sample) -> None:
    rates = dict(
        sample.execute(
            """
            with imp as (select distinct user_id, tweet_id from human
                         where event_type = 'impression'),
            eng as (select distinct user_id, tweet_id from human
                    where event_type in ('click', 'like', 'retweet', 'reply', 'profile_click'))
            select p.user_id is not null as preferred,
                   avg(case when eng.user_id is null then 0 else 1 end) as rate
            from imp
            join tweet_topics as t using (tweet_id)
            left join user_preferences as p
                on p.user_id = imp.user_id and p.topic = t.latent_topic
            left join eng on eng.user_id = imp.user_id and eng.tweet_id = imp.tweet_id
            group by 1
            """
        ).fetchall()
    )
    assert rates[True] > 3 * rates[False]


def test_co_engagement_similarity_recovers_latent_topics(sample) -> None:
    """Item-item cosine over co-engaging users (min co-occurrence 2): top-20 neighbours
    share the latent topic far more often than chance."""
    pairs = sample.execute(
        """
        with ue as (select distinct user_id, tweet_id from human
                    where event_type not in ('impression', 'negative_feedback')),
        norms as (select tweet_id, count(*) as n from ue group by 1),
        co as (select a.tweet_id as t1, b.tweet_id as t2, count(*) as c
               from ue as a join ue as b on a.user_id = b.user_id and a.tweet_id <> b.tweet_id
               group by 1, 2 having count(*) >= 2),
        sim as (select t1, t2, c / sqrt(n1.n * n2.n) as cosine
                from co join norms as n1 on n1.tweet_id = t1 join norms as n2 on n2.tweet_id = t2),
        ranked as (select *, row_number() over (partition by t1 order by cosine desc, t2) as k
                   from sim)
        select count(distinct t1), avg(case when a.latent_topic = b.latent_topic then 1 else 0 end)
        from ranked join tweet_topics as a on a.tweet_id = t1
        join tweet_topics as b on b.tweet_id = t2
        where k <= 20
        """
    ).fetchone()
    chance = sample.execute(
        "select sum(c * c) / (sum(c) * sum(c)) from "
        "(select count(*) as c from tweet_topics group by latent_topic)"
    ).fetchone()[0]
    items_with_neighbours, same_topic = pairs
    assert items_with_neighbours >= 1000
    assert same_topic > max(0.6, 5 * chance)


def test_follow_graph_is_heavy_tailed(sample) -> None:
    rows = sample.execute("select count(*) from raw_follows group by followee_id").fetchall()
    degrees = np.array([r[0] for r in rows])
    assert degrees.max() >= 20 * np.median(degrees)


def test_activity_is_power_law_and_bots_are_inhuman(sample) -> None:
    rows = sample.execute("select count(*) from human group by user_id order by 1 desc")
    per_user = np.array([r[0] for r in rows.fetchall()])
    top = per_user[: max(1, per_user.size // 100)].sum() / per_user.sum()
    assert top > 0.08  # the top 1% of humans make well over 1% of the events
    daily = sample.execute(
        """
        select t.is_bot, max(n), min(n) from (
            select user_id, cast(event_ts as date) as day, count(*) as n
            from clean group by 1, 2) as d
        join users_truth as t using (user_id)
        where n > 0 group by 1
        """
    ).fetchall()
    by_kind = {is_bot: (mx, mn) for is_bot, mx, mn in daily}
    assert by_kind[True][0] >= 200  # bots: hundreds of events on an active day
    human_max = by_kind[False][0]
    bot_days = sample.execute(
        """
        select min(n) from (select user_id, cast(event_ts as date) as day, count(*) as n
        from clean where user_id in (select user_id from users_truth where is_bot)
        group by 1, 2 having count(*) > 50)
        """
    ).fetchone()[0]
    assert bot_days > human_max


def test_timestamps_have_a_daily_and_weekly_rhythm(sample) -> None:
    per_weekday = dict(
        sample.execute(
            "select isodow(event_ts), count(*) from human where event_type = 'impression' "
            "group by 1"
        ).fetchall()
    )
    assert per_weekday[6] > 1.1 * per_weekday[2]  # Saturday busier than Tuesday (4 of each)
    hours = dict(
        sample.execute(
            "select hour(event_ts), count(*) from human where event_type = 'impression' "
            "group by 1"
        ).fetchall()
    )
    counts = np.array([hours.get(h, 0) for h in range(24)])
    assert counts.max() > 2 * counts.min()


# --- formats and CLI -------------------------------------------------------------------


def as_text(table: pa.Table) -> list[dict[str, str | None]]:
    cols = {}
    for name in table.column_names:
        col = table.column(name)
        if pa.types.is_dictionary(col.type):
            col = col.cast(col.type.value_type)
        cols[name] = col.cast(pa.string())
    return pa.table(cols).to_pylist()


def test_parquet_and_csv_hold_the_same_rows(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    cfg = SMALL.replace(events=5000)
    monkeypatch.setattr(datagen.generate, "EVENT_CHUNK", 1999)  # several row groups
    csv_out, _ = run(tmp_path / "csv", cfg, "csv")
    pq_out, _ = run(tmp_path / "pq", cfg, "parquet")
    for name in RAW_TABLES:
        from_csv = read_text_csv(csv_out / f"{name}.csv")
        from_pq = pq.read_table(pq_out / f"{name}.parquet")
        assert from_csv.column_names == from_pq.column_names
        assert as_text(from_csv) == as_text(from_pq), name


@pytest.mark.parametrize(
    ("args", "allowed"),
    [
        (["--users", "-5"], "--users must be an integer >= 10"),
        (["--events", "0"], "--events must be an integer >= 1"),
        (["--days", "0"], "--days must be an integer >= 1"),
        (["--duplicate-rate", "1.5"], "--duplicate-rate must be a number in [0, 1)"),
        (["--late-rate", "-0.1"], "--late-rate must be a number in [0, 1)"),
        (["--format", "xml"], "--format must be one of: csv, parquet"),
        (["--start", "2026-02-30"], "--start must be a date written YYYY-MM-DD"),
        (["--users", "many"], "invalid int value"),
    ],
)
def test_cli_rejects_bad_input_with_one_line(
    args: list[str], allowed: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit) as exc:
        main([*args, "--out", str(tmp_path / "o"), "--truth-dir", str(tmp_path / "t")])
    assert exc.value.code == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and allowed in err


def test_cli_rejects_unwritable_directory(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("not a directory")
    result = subprocess.run(
        [sys.executable, "-m", "datagen", "--out", str(blocker / "x"), "--users", "20"],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        check=False,
    )
    assert result.returncode == 2
    assert result.stderr.count("\n") == 1 and "not writable" in result.stderr


def test_cli_help_lists_every_flag() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "datagen", "--help"], capture_output=True, text=True, check=False
    )
    assert result.returncode == 0
    flags = ["--users", "--tweets", "--events", "--days", "--start", "--seed", "--out"]
    flags += ["--truth-dir", "--format", "--bot-events-per-day"]
    flags += [f"--{name.replace('_', '-')}" for name in RATE_FIELDS]
    for flag in flags:
        assert flag in result.stdout


def test_config_validation_is_shared_by_api_and_cli() -> None:
    check: Callable[..., GenConfig] = GenConfig
    with pytest.raises(ValueError, match=r"\[0, 1\)"):
        check(bot_rate=1.0)
    with pytest.raises(ValueError, match=">= 10"):
        check(users=3)
