"""Stand-in for dbt's `adapter` object when sqlfluff renders SQL with its jinja templater.

sqlfluff's jinja templater has no database adapter, so a macro that calls
`adapter.dispatch(...)` would fail to render and block linting. This module is put on
sqlfluff's `library_path` (see .sqlfluff): `adapter.dispatch("name")(args)` renders as the SQL
call `name()`: arguments are dropped because they are often regular expressions or other
text that is not SQL on its own. That is enough to lint the model around the call. dbt never
imports this file (it only reads .sql files from macros/).
"""

from collections.abc import Callable

# Dispatched macros that render keywords, not an expression: a call would not parse there.
KEYWORD_MACROS = {"ml_cte_not_materialized": "not materialized"}


def dispatch(macro_name: str, macro_namespace: str | None = None) -> Callable[..., str]:
    """Return a callable rendering `macro_name()` like a SQL function call (or its keywords)."""

    def render(*args: object, **kwargs: object) -> str:
        return KEYWORD_MACROS.get(macro_name, f"{macro_name}()")

    return render


def get_columns_in_relation(relation: object) -> list[object]:
    """No database to ask: a relation has no columns here."""
    return []


def type() -> str:
    """dbt's adapter.type(): the engine the SQL is linted as (.sqlfluff's dialect)."""
    return "duckdb"
