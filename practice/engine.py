"""Run one query against one small dataset on a fresh in-memory DuckDB, safely.

Why a fresh database per run: the learner's SQL may create or drop tables, and each
dataset must be graded on exactly its own rows. Why the lock-down: once the dataset is
loaded, the learner's SQL has no business reading files (an answer key, a dataset) or
installing extensions, so external access is disabled and the configuration locked.
Why a worker thread: a runaway query (an accidental cross join) must stop with a
message instead of hanging the terminal; `connection.interrupt()` cancels it.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from typing import Any

import duckdb

DEFAULT_TIMEOUT_SECONDS = 10.0
DEFAULT_MAX_ROWS = 100_000
# Time granted to a query to unwind after interrupt() before we give up on the thread.
_INTERRUPT_GRACE_SECONDS = 5.0
# What an answer may end with: a query (SELECT, FROM-first, VALUES, WITH) or a PIVOT.
_QUERY_STATEMENTS = (duckdb.StatementType.SELECT, duckdb.StatementType.MULTI)


@dataclass(frozen=True)
class QueryResult:
    """A result set as the comparator sees it: lower-cased names, DuckDB type names, rows."""

    columns: tuple[str, ...]
    types: tuple[str, ...]
    rows: tuple[tuple[Any, ...], ...]


class QueryFailed(Exception):
    """The query could not produce a result; the message is meant for the learner."""


class QuerySqlError(QueryFailed):
    """DuckDB rejected the SQL: the message is DuckDB's own, unchanged."""


class QueryTimeout(QueryFailed):
    """The query ran past the time limit and was interrupted."""


class QueryTooLarge(QueryFailed):
    """The query returned more rows than any answer could need (usually a bad join)."""


def _connect(setup_sql: str) -> duckdb.DuckDBPyConnection:
    """A fresh in-memory database holding the dataset, then locked for the learner."""
    con = duckdb.connect(
        ":memory:",
        config={
            "autoinstall_known_extensions": False,
            "autoload_known_extensions": False,
            "memory_limit": "1GB",
        },
    )
    con.execute("set timezone = 'UTC'")
    if setup_sql.strip():
        con.execute(setup_sql)
    con.execute("set enable_external_access = false")
    con.execute("set lock_configuration = true")
    return con


def run_query(
    setup_sql: str,
    query_sql: str,
    timeout: float = DEFAULT_TIMEOUT_SECONDS,
    max_rows: int = DEFAULT_MAX_ROWS,
) -> QueryResult:
    """Load `setup_sql`, run `query_sql` (its last statement must return rows), return them.

    Raises QuerySqlError with DuckDB's message, QueryTimeout after `timeout` seconds and
    QueryTooLarge past `max_rows` rows.
    """
    con = _connect(setup_sql)
    outcome: dict[str, Any] = {}

    def work() -> None:
        try:
            statements = con.extract_statements(query_sql)
            if not statements:
                outcome["error"] = QuerySqlError("the file holds no SQL statement")
                return
            if statements[-1].type not in _QUERY_STATEMENTS:
                outcome["error"] = QuerySqlError(
                    f"the last statement is a {statements[-1].type.name}, which returns no "
                    "result set: end the file with a SELECT query"
                )
                return
            cursor = con.execute(query_sql)
            if cursor.description is None:
                outcome["error"] = QuerySqlError(
                    "the last statement returned no rows: end the file with a SELECT query"
                )
                return
            outcome["description"] = cursor.description
            outcome["rows"] = cursor.fetchmany(max_rows + 1)
        except duckdb.InterruptException:
            outcome["interrupted"] = True
        except duckdb.Error as exc:
            outcome["error"] = QuerySqlError(str(exc))

    worker = threading.Thread(target=work, name="practice-query", daemon=True)
    try:
        worker.start()
        worker.join(timeout)
        if worker.is_alive():
            con.interrupt()
            worker.join(_INTERRUPT_GRACE_SECONDS)
            raise QueryTimeout(
                f"query stopped after the {timeout:g}s time limit: look for a join without "
                "a condition (a cross join) or a window over far more rows than needed"
            )
        if "error" in outcome:
            raise outcome["error"]
        if outcome.get("interrupted"):
            raise QueryTimeout(f"query interrupted (time limit {timeout:g}s)")
    finally:
        if not worker.is_alive():
            con.close()
    rows = outcome["rows"]
    if len(rows) > max_rows:
        raise QueryTooLarge(
            f"query returned more than {max_rows:,} rows: the datasets are tiny, so a join "
            "is probably multiplying rows"
        )
    description = outcome["description"]
    return QueryResult(
        columns=tuple(str(d[0]).lower() for d in description),
        types=tuple(str(d[1]) for d in description),
        rows=tuple(tuple(r) for r in rows),
    )


def describe_tables(setup_sql: str) -> list[tuple[str, QueryResult]]:
    """Each table a dataset creates, with its rows: what `show` prints as the example."""
    con = _connect(setup_sql)
    try:
        names = [
            r[0]
            for r in con.execute(
                "select table_name from information_schema.tables "
                "where table_schema = 'main' order by table_name"
            ).fetchall()
        ]
        tables = []
        for name in names:
            cursor = con.execute(f'select * from "{name}"')
            description = cursor.description or []
            tables.append(
                (
                    name,
                    QueryResult(
                        columns=tuple(str(d[0]) for d in description),
                        types=tuple(str(d[1]) for d in description),
                        rows=tuple(tuple(r) for r in cursor.fetchall()),
                    ),
                )
            )
        return tables
    finally:
        con.close()
