"""Stand-in for dbt's `dbt` namespace (its cross-database macros) under sqlfluff's jinja.

`{{ dbt.split_part(a, b, n) }}` renders here as the SQL call `split_part(a, b, n)`: the
arguments of dbt's cross-database macros are SQL text, so the call lints like the
function it becomes. dbt never imports this file (see adapter.py beside it).
"""

from collections.abc import Callable


def __getattr__(macro_name: str) -> Callable[..., str]:
    def render(*args: object) -> str:
        return f"{macro_name}({', '.join(str(arg) for arg in args)})"

    return render
