"""Hostile raw input, generated from the sample by code (issue 12).

`write_mixed_raw_dir` copies the sample's raw tables (seeds/) to a directory in the
standard CSV dialect (Python's csv module: minimal quoting, so the first quoted field
comes late in each file) and appends one row per scenario, each with an id that names
it. `ROW_SCENARIOS` says where each row must end up: clean, or quarantined with the
reason. One build then checks them all; file-level scenarios (dialect, empty files)
need their own raw directory each (`write_raw_dir`).
"""

from __future__ import annotations

import csv
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent
SEEDS = PROJECT_ROOT / "seeds"
TABLES = ("users", "tweets", "follows", "events", "app_logs")
INT64_MAX = 2**63 - 1
INT32_MAX = 2**31 - 1
# A user, a tweet and a time the sample holds, to hang valid rows on.
USER, TWEET, AUTHOR = "560", "1000000991", "1512"
EVENT_TS = "2026-10-10 12:00:00.000"
INGESTED = "2026-10-10 12:00:01.000"
FAR_FUTURE = (datetime.now() + timedelta(days=5 * 365)).strftime("%Y-%m-%d %H:%M:%S.000")


@dataclass(frozen=True)
class RowScenario:
    """One appended raw row: `key` is its id column's value; `expected` is 'clean' or
    the quarantine reason (`duplicate_delivery` for an identical redelivery)."""

    table: str
    key: str
    row: dict[str, str]
    expected: str
    # Rows other tables need for this one (e.g. the user an event refers to).
    extra: tuple[tuple[str, dict[str, str]], ...] = ()


def _event(event_id: str, **values: str) -> dict[str, str]:
    row = {
        "event_id": event_id,
        "event_ts": EVENT_TS,
        "ingested_at": INGESTED,
        "user_id": USER,
        "tweet_id": TWEET,
        "event_type": "like",
        "position": "3",
        "client": "web",
    }
    row.update(values)
    return row


def _user(user_id: str) -> dict[str, str]:
    return {
        "user_id": user_id,
        "signup_at": "2024-01-01 00:00:00.000",
        "country": "US",
        "language": "en",
        "is_verified": "false",
    }


def _log(log_id: str, line: str) -> dict[str, str]:
    return {"log_id": log_id, "line": line}


LOG_TS = "2026-10-10T12:00:00.000Z"
ROW_SCENARIOS: tuple[RowScenario, ...] = (
    # Overflow per numeric column: quarantined naming the column, never a cast error.
    RowScenario("events", "h-position-int64", _event("h-position-int64", position="99999999999"),
                "out_of_range:position"),
    RowScenario("events", "h-position-int32",
                _event("h-position-int32", position=str(INT32_MAX + 1)), "out_of_range:position"),
    RowScenario("events", "h-position-huge", _event("h-position-huge", position="9" * 40),
                "out_of_range:position"),
    RowScenario("events", "h-user-int64", _event("h-user-int64", user_id=str(INT64_MAX + 1)),
                "out_of_range:user_id"),
    RowScenario("events", "h-tweet-huge", _event("h-tweet-huge", tweet_id="9" * 30),
                "out_of_range:tweet_id"),
    # The largest bigint and negative ids are ids like any other.
    RowScenario("events", "h-user-max", _event("h-user-max", user_id=str(INT64_MAX)), "clean",
                extra=(("users", _user(str(INT64_MAX))),)),
    RowScenario("events", "h-user-negative", _event("h-user-negative", user_id="-42"), "clean",
                extra=(("users", _user("-42")),)),
    # Dialect edge cases inside values: read exactly, then judged.
    RowScenario("events", "h-quote", _event("h-quote", client='we"b'), "malformed_value"),
    RowScenario("events", "h-comma", _event("h-comma", event_type="like,click"),
                "unknown_event_type"),
    RowScenario("events", "h-newline-type", _event("h-newline-type", event_type="li\nke"),
                "unknown_event_type"),
    # Control characters in a timestamp: not a timestamp.
    RowScenario("events", "h-ts-tab", _event("h-ts-tab", event_ts=EVENT_TS + "\t"),
                "malformed_timestamp"),
    RowScenario("events", "h-ts-cr", _event("h-ts-cr", event_ts=EVENT_TS + "\r"),
                "malformed_timestamp"),
    RowScenario("events", "h-ts-vt", _event("h-ts-vt", event_ts=EVENT_TS + "\v"),
                "malformed_timestamp"),
    RowScenario("events", "h-ts-lf", _event("h-ts-lf", event_ts="2026-10-10\n12:00:00.000"),
                "malformed_timestamp"),
    RowScenario("events", "h-ts-nul", _event("h-ts-nul", ingested_at=INGESTED + "\x00"),
                "malformed_timestamp"),
    # Time extremes.
    RowScenario("events", "h-far-future",
                _event("h-far-future", event_ts=FAR_FUTURE, ingested_at=FAR_FUTURE),
                "ingested_in_future"),
    RowScenario("events", "h-1976",
                _event("h-1976", event_ts="1976-07-04 12:00:00.000",
                       ingested_at="1976-07-04 12:00:01.000"),
                "before_history_start"),
    RowScenario("events", "h-year-9999",
                _event("h-year-9999", event_ts="9999-12-31 23:59:59.999",
                       ingested_at="9999-12-31 23:59:59.999"),
                "ingested_in_future"),
    # Redeliveries: an identical payload is a duplicate, a different one a conflict.
    RowScenario("events", "h-redelivery",
                _event("h-redelivery", ingested_at="2026-10-10 12:05:00.000"),
                "duplicate", extra=(("events", _event("h-redelivery")),)),
    RowScenario("events", "h-conflict",
                _event("h-conflict", event_type="click", ingested_at="2026-10-10 12:05:00.000"),
                "conflicting_duplicate", extra=(("events", _event("h-conflict")),)),
    # App log lines: overflow and size never stop the build.
    RowScenario("app_logs", "900000001",
                _log("900000001", f"{LOG_TS} INFO feed.load user={USER} tweets=99999999999"
                                  " latency_ms=5 status=200 client=web"),
                "out_of_range:tweets"),
    RowScenario("app_logs", "900000002",
                _log("900000002", f"{LOG_TS} INFO feed.load user={'9' * 30} tweets=3"
                                  " latency_ms=5 status=200 client=web"),
                "out_of_range:user"),
    RowScenario("app_logs", "900000003",
                _log("900000003", f"{LOG_TS} INFO feed.load user={USER} tweets=3"
                                  " latency_ms=5 status=200 client=" + "x" * 3_000_000),
                "unparseable_log_line"),
    RowScenario("app_logs", "900000004",
                _log("900000004", f"{LOG_TS} INFO feed.load user={USER} tweets=3"
                                  " latency_ms=5 status=200 client=web"),
                "clean"),
    # Users and tweets: overflow in their own ids.
    RowScenario("users", str(INT64_MAX + 7), _user(str(INT64_MAX + 7)), "out_of_range:user_id"),
    RowScenario("tweets", "1" + "0" * 25,
                {"tweet_id": "1" + "0" * 25, "author_id": AUTHOR,
                 "created_at": "2026-10-01 00:00:00.000", "topic": "tech", "has_media": "false",
                 "deleted_at": ""},
                "out_of_range:tweet_id"),
    RowScenario("tweets", "1999999999",
                {"tweet_id": "1999999999", "author_id": str(INT64_MAX + 1),
                 "created_at": "2026-10-01 00:00:00.000", "topic": "tech", "has_media": "false",
                 "deleted_at": ""},
                "out_of_range:author_id"),
    RowScenario("follows", "9" * 25,
                {"follower_id": "9" * 25, "followee_id": USER,
                 "followed_at": "2026-10-01 00:00:00.000"},
                "out_of_range:follower_id"),
    RowScenario("follows", "-" + "9" * 25,
                {"follower_id": "-" + "9" * 25, "followee_id": USER,
                 "followed_at": "2026-10-01 00:00:00.000"},
                "out_of_range:follower_id"),
)


def read_sample(table: str) -> tuple[list[str], list[dict[str, str]]]:
    with (SEEDS / f"raw_{table}.csv").open(newline="", encoding="utf-8") as handle:
        reader = csv.DictReader(handle)
        return list(reader.fieldnames or []), list(reader)


def rfc4180_line(values: Iterable[str]) -> str:
    """One CSV record, minimal quoting: a field holding a comma, quote, CR or LF is
    quoted, its quotes doubled. (Python's csv module leaves a lone CR unquoted when
    the line terminator is LF, which no strict reader can read back.)"""
    fields = []
    for value in values:
        if any(ch in value for ch in ',"\r\n'):
            value = '"' + value.replace('"', '""') + '"'
        fields.append(value)
    return ",".join(fields)


def write_table(
    path: Path,
    header: list[str],
    rows: Iterable[dict[str, str]],
    *,
    line_terminator: str = "\n",
    bom: bool = False,
) -> None:
    """One raw CSV in the standard dialect: RFC 4180 quoting, minimal quotes."""
    with path.open("w", newline="", encoding="utf-8-sig" if bom else "utf-8") as handle:
        handle.write(rfc4180_line(header) + line_terminator)
        for row in rows:
            handle.write(rfc4180_line(row.get(name, "") for name in header) + line_terminator)


def write_raw_dir(
    out: Path,
    edit: Callable[[str, list[dict[str, str]]], list[dict[str, str]]] | None = None,
    **dialect: object,
) -> Path:
    """The sample's raw tables as CSV files in `out`, each row list passed through
    `edit(table, rows)` first when given."""
    out.mkdir(parents=True, exist_ok=True)
    for table in TABLES:
        header, rows = read_sample(table)
        if edit is not None:
            rows = edit(table, rows)
        write_table(out / f"raw_{table}.csv", header, rows, **dialect)  # type: ignore[arg-type]
    return out


def write_mixed_raw_dir(out: Path) -> Path:
    """The sample plus every row scenario, appended at the end of its table."""

    def append(table: str, rows: list[dict[str, str]]) -> list[dict[str, str]]:
        for scenario in ROW_SCENARIOS:
            rows += [row for extra_table, row in scenario.extra if extra_table == table]
            if scenario.table == table:
                rows.append(scenario.row)
        return rows

    return write_raw_dir(out, append)
