"""Generator options for the shapes real logs have (issue 11, item 6).

Each test generates a small run into tmp_path and checks one property of one shape:
timestamps in other formats mean the same instants, dirt stays exactly countable, ids
in other formats stay consistent across tables, and so on. The default output is
covered by tests/test_datagen.py (seeds/ equals a fresh default run).
"""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.csv as pacsv
import pytest

from datagen.cli import main
from datagen.config import GenConfig
from datagen.generate import generate
from datagen.shapes import PRESETS

TINY = GenConfig(users=300, tweets=600, events=6000, days=7, bot_rate=0.01)
RAW = ("raw_users", "raw_tweets", "raw_follows", "raw_events", "raw_app_logs")
TS_COLUMNS = {
    "raw_users": ("signup_at",),
    "raw_tweets": ("created_at", "deleted_at"),
    "raw_follows": ("followed_at",),
    "raw_events": ("event_ts", "ingested_at"),
}
GRAMMAR = {
    "contract": re.compile(r"^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d{3}$"),
    "iso": re.compile(
        r"^(\d{4})-(\d\d)-(\d\d)[T ](\d\d):(\d\d):(\d\d)(\.\d{1,9})?(Z|[+-]\d\d:?\d\d)?$"
    ),
    "epoch-s": re.compile(r"^-?[0-9]{1,11}(\.[0-9]{1,9})?$"),
    "epoch-ms": re.compile(r"^-?[0-9]{12,14}$"),
}
EPOCH = dt.datetime(1970, 1, 1, tzinfo=dt.UTC)


def to_ms(text: str | None, fmt: str) -> int | None:
    """The instant `text` means under `fmt` (epoch ms), or None when it is malformed."""
    if text is None:
        return None
    m = GRAMMAR[fmt].match(text)
    if not m:
        return None
    if fmt == "epoch-ms":
        return int(text)
    if fmt == "epoch-s":
        return int(Decimal(text) * 1000)
    if fmt == "contract":
        try:
            value = dt.datetime.strptime(text, "%Y-%m-%d %H:%M:%S.%f").replace(tzinfo=dt.UTC)
        except ValueError:
            return None
        return (value - EPOCH) // dt.timedelta(milliseconds=1)
    year, month, day, hour, minute, second, frac, zone = m.groups()
    try:
        value = dt.datetime(*map(int, (year, month, day, hour, minute, second)), tzinfo=dt.UTC)
    except ValueError:
        return None
    ms = (value - EPOCH) // dt.timedelta(milliseconds=1)
    if frac:
        assert set(frac[4:]) <= {"0"}, f"{text} is not lossless to the millisecond"
        ms += int(frac[1:4].ljust(3, "0"))
    if zone and zone != "Z":
        sign = -1 if zone[0] == "-" else 1
        digits = zone[1:].replace(":", "")
        ms -= sign * (int(digits[:2]) * 60 + int(digits[2:])) * 60_000
    return ms


def read_text(path: Path) -> pa.Table:
    """Every column as text, empty = null (how the warehouse loads raw files)."""
    header = path.open().readline().strip().replace('"', "").split(",")
    opts = pacsv.ConvertOptions(
        column_types=dict.fromkeys(header, pa.string()),
        strings_can_be_null=True,
        quoted_strings_can_be_null=False,
    )
    return pacsv.read_csv(path, convert_options=opts)


def run(tmp: Path, cfg: GenConfig) -> tuple[dict[str, pa.Table], dict[str, int], Path]:
    out, truth = tmp / "raw", tmp / "truth"
    generate(cfg, out, truth)
    tables = {name: read_text(out / f"{name}.csv") for name in RAW}
    counts = {r["kind"]: r["rows"] for r in pacsv.read_csv(truth / "dirt_counts.csv").to_pylist()}
    return tables, counts, truth


def first_deliveries(events: pa.Table) -> list[dict[str, str | None]]:
    seen: set[str] = set()
    rows = []
    for row in events.to_pylist():  # file order is ingestion order
        if row["event_id"] not in seen:
            seen.add(row["event_id"])
            rows.append(row)
    return rows


@pytest.fixture(scope="module")
def contract(tmp_path_factory: pytest.TempPathFactory):
    return run(tmp_path_factory.mktemp("contract"), TINY)


# --- timestamp formats ----------------------------------------------------------------


@pytest.mark.parametrize("fmt", ["iso", "epoch-s", "epoch-ms"])
def test_timestamp_format_changes_only_the_text_of_the_same_instants(
    fmt: str, contract, tmp_path: Path
) -> None:
    base, base_counts, _ = contract
    other, counts, _ = run(tmp_path, TINY.replace(timestamp_format=fmt))
    assert counts == base_counts
    for name in RAW:
        assert base[name].num_rows == other[name].num_rows, name
        ts_cols = TS_COLUMNS.get(name, ())
        for col in base[name].column_names:
            a, b = base[name].column(col).to_pylist(), other[name].column(col).to_pylist()
            if col not in ts_cols:
                assert a == b, (name, col)
                continue
            for x, y in zip(a, b, strict=True):
                assert (x is None) == (y is None)
                assert to_ms(x, "contract") == to_ms(y, fmt), (name, col, x, y)


@pytest.mark.parametrize("fmt", ["iso", "epoch-s", "epoch-ms"])
def test_malformed_timestamps_stay_malformed_under_the_format(fmt: str, tmp_path: Path) -> None:
    tables, counts, _ = run(tmp_path, TINY.replace(timestamp_format=fmt))
    rows = first_deliveries(tables["raw_events"])
    bad = [r["event_ts"] for r in rows if to_ms(r["event_ts"], fmt) is None]
    assert len(bad) == counts["malformed_timestamps"] > 0
    assert all(to_ms(r["ingested_at"], fmt) is not None for r in rows)


def test_iso_mixes_lossless_variants_and_offsets(tmp_path: Path) -> None:
    tables, _, _ = run(tmp_path, TINY.replace(timestamp_format="iso"))
    values = [v for v in tables["raw_events"].column("ingested_at").to_pylist() if v]
    assert any(re.search(r"\.\d{3}Z$", v) for v in values)
    assert any(re.search(r"\.\d{6}Z$", v) for v in values)
    assert any(v.endswith("+05:30") for v in values)
    assert any(re.search(r"-\d\d:\d\d$", v) for v in values)
    assert any(re.search(r"[+-]\d{4}$", v) for v in values)
    assert any(re.fullmatch(r"\S+ [0-9:.]+", v) for v in values)  # no zone = UTC
    whole = [v for v in values if re.search(r":\d\dZ$", v)]
    assert all(to_ms(v, "iso") % 1000 == 0 for v in whole)


# --- action-only, deleted authors, ids -------------------------------------------------


EXTRA_KINDS = (
    "unknown_types",
    "missing_users",
    "unknown_users",
    "malformed_timestamps",
    "future_skew",
    "unknown_tweets",
    "deleted_tweet_events",
)


def test_no_impressions_emits_only_actions_and_counts_stay_exact(tmp_path: Path) -> None:
    tables, counts, _ = run(tmp_path, TINY.replace(no_impressions=True))
    rows = first_deliveries(tables["raw_events"])
    types = {r["event_type"].strip().lower() for r in rows}
    assert "impression" not in types and "like" in types
    assert len(rows) == counts["clean_events"] + sum(counts[k] for k in EXTRA_KINDS)
    deleted_at = {
        r["tweet_id"]: to_ms(r["deleted_at"], "contract")
        for r in tables["raw_tweets"].to_pylist()
        if r["deleted_at"]
    }
    after_delete = [
        r for r in rows
        if r["tweet_id"] in deleted_at
        and (to_ms(r["event_ts"], "contract") or 0) > deleted_at[r["tweet_id"]]
    ]
    assert len(after_delete) == counts["deleted_tweet_events"] > 0


def test_deleted_authors_are_empty_or_dangling_and_counted(tmp_path: Path) -> None:
    tables, counts, truth = run(tmp_path, TINY.replace(deleted_author_rate=0.1))
    users = set(tables["raw_users"].column("user_id").to_pylist())
    authors = tables["raw_tweets"].column("author_id").to_pylist()
    empty = sum(a is None for a in authors)
    dangling = sum(a is not None and a not in users for a in authors)
    assert empty == counts["deleted_author_empty"] > 0
    assert dangling == counts["deleted_author_dangling"] > 0
    assert empty + dangling == round(0.1 * TINY.tweets)
    gone = read_text(truth / "deleted_authors.csv")
    assert gone.num_rows == empty + dangling
    event_tweets = set(tables["raw_events"].column("tweet_id").to_pylist())
    assert event_tweets & set(gone.column("tweet_id").to_pylist())  # they still get events


@pytest.mark.parametrize(("fmt", "shape"), [("hash", r"^[0-9a-f]{16}$"), ("uuid", None)])
def test_string_ids_are_consistent_across_tables(fmt: str, shape: str | None, tmp_path) -> None:
    pattern = re.compile(
        shape or r"^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$"
    )
    tables, counts, truth = run(tmp_path, TINY.replace(id_format=fmt))
    users = set(tables["raw_users"].column("user_id").to_pylist())
    tweets = set(tables["raw_tweets"].column("tweet_id").to_pylist())
    assert len(users) == TINY.users and len(tweets) == TINY.tweets
    assert all(pattern.match(i) for i in users | tweets)
    assert set(tables["raw_tweets"].column("author_id").to_pylist()) <= users
    follows = tables["raw_follows"]
    assert set(follows.column("follower_id").to_pylist()) <= users
    assert set(follows.column("followee_id").to_pylist()) <= users
    rows = first_deliveries(tables["raw_events"])
    unknown_users = [r["user_id"] for r in rows if r["user_id"] and r["user_id"] not in users]
    unknown_tweets = [r["tweet_id"] for r in rows if r["tweet_id"] not in tweets]
    assert len(unknown_users) == counts["unknown_users"]
    assert len(unknown_tweets) == counts["unknown_tweets"]
    assert all(pattern.match(i) for i in unknown_users + unknown_tweets)
    log_users = re.findall(r" user=(\S+)", "\n".join(tables["raw_app_logs"]["line"].to_pylist()))
    assert log_users and set(log_users) <= users
    assert set(read_text(truth / "users_truth.csv").column("user_id").to_pylist()) == users
    assert set(read_text(truth / "tweet_topics.csv").column("tweet_id").to_pylist()) == tweets


# --- time shapes -----------------------------------------------------------------------


def human_events(tables: dict[str, pa.Table], truth: Path) -> dict[str, list[int]]:
    """Human event times (ms) per user id: first deliveries, well-formed, not future."""
    bots = {r["user_id"] for r in read_text(truth / "users_truth.csv").to_pylist()
            if r["is_bot"] == "true"}
    users = set(tables["raw_users"].column("user_id").to_pylist())
    per_user: dict[str, list[int]] = {}
    for r in first_deliveries(tables["raw_events"]):
        ms = to_ms(r["event_ts"], "contract")
        if ms is None or ms > (to_ms(r["ingested_at"], "contract") or 0):
            continue  # malformed or skewed into the future
        if r["user_id"] in users and r["user_id"] not in bots:
            per_user.setdefault(r["user_id"], []).append(ms)
    return per_user


def test_single_day_window_works(tmp_path: Path) -> None:
    cfg = TINY.replace(days=1)
    tables, counts, truth = run(tmp_path, cfg)
    per_user = human_events(tables, truth)
    times = np.concatenate([np.array(v) for v in per_user.values()])
    assert counts["clean_events"] > 1000 and counts["deleted_tweet_events"] > 0
    rows = first_deliveries(tables["raw_events"])
    assert len(rows) == counts["clean_events"] + sum(counts[k] for k in EXTRA_KINDS)
    assert times.min() >= cfg.start_ms and times.max() < cfg.end_ms


def test_sparse_activity_gives_few_active_days_over_a_long_window(tmp_path: Path) -> None:
    cfg = TINY.replace(days=1095, tweets=4000, events=8000, sparse_activity=True)
    tables, _, truth = run(tmp_path, cfg)
    per_user = human_events(tables, truth)
    days = np.array([len({t // 86_400_000 for t in v}) for v in per_user.values()])
    assert np.mean(days <= 5) > 0.7 and days.max() > 5
    times = np.concatenate([np.array(v) for v in per_user.values()])
    assert (times.max() - times.min()) > 900 * 86_400_000


def test_heavy_users_emit_many_events_with_a_human_day(tmp_path: Path) -> None:
    cfg = TINY.replace(users=600, events=8000, heavy_user_share=0.01, heavy_user_multiplier=50)
    tables, _, truth = run(tmp_path, cfg)
    per_user = human_events(tables, truth)
    counts = {u: len(v) for u, v in per_user.items()}
    truth_rows = read_text(truth / "users_truth.csv").to_pylist()
    humans = sorted((r for r in truth_rows if r["is_bot"] == "false"),
                    key=lambda r: -float(r["activity"]))
    heavy = [r["user_id"] for r in humans[:6]]
    median = np.median([n for u, n in counts.items() if u not in heavy])
    ratio = np.median([counts[u] for u in heavy]) / median
    assert 30 < ratio < 80
    for u in heavy:
        hours = np.bincount(np.array(per_user[u]) // 3_600_000 % 24, minlength=24)
        quiet = np.sort(hours)[:5].sum() / hours.sum()
        assert quiet < 0.03  # they sleep: five near-empty hours of the day


# --- determinism, presets, bad input ---------------------------------------------------


@pytest.mark.parametrize("shape", ["iso", "string-ids"])
def test_same_seed_same_bytes_for_a_shape(shape: str, tmp_path: Path) -> None:
    files = []
    for name in ("a", "b"):
        out = tmp_path / name
        args = ["--shape", shape, "--users", "200", "--tweets", "400", "--events", "3000"]
        assert main([*args, "--out", str(out), "--truth-dir", str(out / "gt"), "--quiet"]) == 0
        files.append({p.name: p.read_bytes() for p in sorted(out.rglob("*.csv"))})
    assert files[0] == files[1]


def test_explicit_flags_override_a_preset(tmp_path: Path, capsys) -> None:
    args = ["--shape", "iso", "--timestamp-format", "epoch-ms", "--events", "2000"]
    assert main([*args, "--out", str(tmp_path / "o"), "--truth-dir", str(tmp_path / "t")]) == 0
    assert "--timestamp-format epoch-ms" in capsys.readouterr().out
    users = read_text(tmp_path / "o" / "raw_users.csv")
    assert all(GRAMMAR["epoch-ms"].match(v) for v in users.column("signup_at").to_pylist())
    assert set(PRESETS) >= {"iso", "epoch-ms", "multi-year-sparse", "action-only",
                            "heavy-users", "deleted-authors", "single-day", "string-ids"}


@pytest.mark.parametrize(
    ("args", "allowed"),
    [
        (["--timestamp-format", "rfc"], "--timestamp-format must be one of: contract, iso"),
        (["--id-format", "guid"], "--id-format must be one of: int, hash, uuid"),
        (["--shape", "huge"], "--shape must be one of: iso"),
        (["--deleted-author-rate", "1"], "--deleted-author-rate must be a number in [0, 1)"),
        (["--heavy-user-share", "-0.1"], "--heavy-user-share must be a number in [0, 1)"),
        (["--heavy-user-multiplier", "0.5"], "--heavy-user-multiplier must be a number in"),
    ],
)
def test_bad_shape_options_are_rejected_with_one_line(
    args: list[str], allowed: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit) as exc:
        main([*args, "--out", str(tmp_path / "o"), "--truth-dir", str(tmp_path / "t")])
    assert exc.value.code == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and allowed in err
