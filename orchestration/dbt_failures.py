"""One plain message for a failed `dbt build`, from its run_results.json and manifest.

dagster-dbt's own error is the dbt command, the exit code and dbt's log lines
with colour codes, the real message buried inside. This module says instead,
for every node that stopped the build: which model or test, on which table and
column, the rule in words, the message the project's guard macros raised
(verbatim, without dbt's Jinja call stack), example failing rows and where to
look. It reads dicts only, so it is tested without running dbt."""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

# run_results statuses that mean "this node stopped the build" (a warn-severity
# test reports `warn` and does not).
FAILED_STATUSES = frozenset({"error", "fail", "runtime error"})
# Failing tests described in full; the rest are listed by name.
MAX_DESCRIBED = 5
EXAMPLE_ROWS = 3
# row_checks' failing "rows" are its broken rules, each with how many rows break it.
BROKEN_RULES = 20
MAX_EXAMPLE_CHARS = 300
# Rules whose failing "rows" are a count, not rows of the table: no examples.
COUNT_RULES = frozenset({"at_least_one", "row_count_equal"})

# Lines of dbt's plain-text output shown when it stops before running any node.
STOPPED_OUTPUT_LINES = 6
_ANSI = re.compile(r"\x1b\[[0-9;]*m")
_CLOCK = re.compile(r"^\d\d:\d\d:\d\d\s+")
# dbt's first line of a node error, e.g. "Compilation Error in model x (models/x.sql)".
_ERROR_HEADER = re.compile(r"^(?P<kind>[A-Za-z ]*Error) in \w+ \S+ \([^)]*\)$")

# Runs a query on the warehouse: (column names, rows), or raises.
QueryFn = Callable[[str], tuple[list[str], list[tuple[Any, ...]]]]


@dataclass(frozen=True)
class FailedNode:
    """One node of run_results that stopped the build, with its manifest entry."""

    unique_id: str
    status: str
    message: str
    compiled_code: str
    node: Mapping[str, Any]

    @property
    def resource_type(self) -> str:
        return self.unique_id.split(".", 1)[0]

    @property
    def name(self) -> str:
        return str(self.node.get("name") or self.unique_id.split(".")[-1])


def failed_nodes(run_results: Mapping[str, Any], manifest: Mapping[str, Any]) -> list[FailedNode]:
    """The nodes of one dbt invocation that failed, models and hooks before tests."""
    nodes = {**manifest.get("nodes", {}), **manifest.get("sources", {})}
    failed = [
        FailedNode(
            unique_id=result["unique_id"],
            status=str(result.get("status")),
            message=str(result.get("message") or ""),
            compiled_code=str(result.get("compiled_code") or ""),
            node=nodes.get(result["unique_id"], {}),
        )
        for result in run_results.get("results", [])
        if str(result.get("status")) in FAILED_STATUSES
    ]
    return sorted(failed, key=lambda f: f.resource_type == "test")


def dbt_failure_message(
    run_results: Mapping[str, Any],
    manifest: Mapping[str, Any],
    query: QueryFn | None = None,
) -> str | None:
    """Every failed node of one dbt invocation in plain words, or None when none failed
    (dbt stopped before running any node: its own output says why)."""
    failed = failed_nodes(run_results, manifest)
    if not failed:
        return None
    blocks: list[str] = []
    tests = [f for f in failed if f.resource_type == "test"]
    # One input problem can stop several models that read it (the raw column check
    # runs in each): say it once, naming them all.
    by_message: dict[str, list[FailedNode]] = {}
    for node in failed:
        if node.resource_type != "test":
            by_message.setdefault(strip_dbt_call_stack(node.message)[1], []).append(node)
    for same in by_message.values():
        blocks.append(_describe_node_error(same))
    for node in tests[:MAX_DESCRIBED]:
        blocks.append(_describe_test(node, query))
    if len(tests) > MAX_DESCRIBED:
        rest = ", ".join(t.name for t in tests[MAX_DESCRIBED:])
        blocks.append(f"{len(tests) - MAX_DESCRIBED} more dbt tests failed: {rest}.")
    return "\n\n".join(blocks)


def strip_dbt_call_stack(message: str) -> tuple[str | None, str]:
    """(error kind, message) without dbt's "X Error in model m (path)" header line
    and its "> in macro ... / > called by ..." Jinja call stack."""
    lines = message.strip("\n").splitlines()
    kind = None
    if lines and (match := _ERROR_HEADER.match(lines[0].strip())):
        kind = match.group("kind")
        lines = lines[1:]
    kept = [line for line in lines if not line.strip().startswith("> ")]
    while kept and not kept[-1].strip():
        kept.pop()
    indent = min((len(ln) - len(ln.lstrip()) for ln in kept if ln.strip()), default=0)
    return kind, "\n".join(ln[indent:].rstrip() for ln in kept)


def _describe_node_error(same_message: Sequence[FailedNode]) -> str:
    """One block for the nodes that failed with the same message."""
    first = same_message[0]
    kind, text = strip_dbt_call_stack(first.message)
    names = [
        f"{f.name} ({f.node['original_file_path']})" if f.node.get("original_file_path")
        else f.name
        for f in same_message
    ]
    plural = "s" if len(names) > 1 else ""
    title = f"dbt {first.resource_type}{plural} {', '.join(names)}"
    # A guard macro's message is a compiler error only because that is how Jinja
    # raises; any other kind (a database error, say) is worth naming.
    if kind and kind != "Compilation Error":
        title += f", {kind}"
    return f"{title}:\n{text}"


def _describe_test(failed: FailedNode, query: QueryFn | None) -> str:
    node = failed.node
    metadata = node.get("test_metadata") or {}
    rule = metadata.get("name")
    kwargs = metadata.get("kwargs") or {}
    model = _tested_model(node)
    column = kwargs.get("column_name") or node.get("column_name")
    config = node.get("config") or {}
    on = f"model {model}" + (f", column {column}" if column else "") if model else "its models"
    lines = [f"dbt test {failed.name} failed ({str(config.get('severity', 'error')).lower()}"
             f" severity) on {on}."]
    lines.append("Rule: " + (_rule_in_words(rule, kwargs, column, config.get("where"))
                             if rule else _singular_rule(node)))
    _, text = strip_dbt_call_stack(failed.message)
    lines.append(f"dbt says: {text}")
    if failed.status == "fail" and rule not in COUNT_RULES:
        broken_rules = rule == "row_checks"
        examples = _example_rows(
            failed.compiled_code, query, BROKEN_RULES if broken_rules else EXAMPLE_ROWS
        )
        if examples:
            lines.append("Broken rules:" if broken_rules else "Failing rows, e.g.:")
            lines.extend(f"  {row}" for row in examples)
    compiled = node.get("compiled_path")
    look = f"the test's SQL lists every failing row: {compiled}" if compiled else ""
    declared = node.get("original_file_path")
    lines.append(
        "Where to look: "
        + "; ".join(part for part in (
            look,
            f"rerun it alone with `dbt test --select {failed.name}`",
        ) if part)
        + "."
    )
    lines.append(
        "Fix: correct the input rows that break the rule (docs/raw_data_contract.md), or,"
        f" if the rule does not fit your data, change it where it is declared ({declared})."
    )
    return "\n".join(lines)


def _tested_model(node: Mapping[str, Any]) -> str | None:
    attached = node.get("attached_node")
    if attached:
        return str(attached).split(".")[-1]
    parents = (node.get("depends_on") or {}).get("nodes") or []
    return ", ".join(p.split(".")[-1] for p in parents) or None


def _plain_ref(value: object) -> str:
    """`ref('x')` (or Jinja around it) as `x`; anything else as text."""
    text = str(value)
    match = re.search(r"""ref\(\s*['"]([^'"]+)['"]\s*\)""", text)
    return match.group(1) if match else text


def _rule_in_words(
    rule: str, kwargs: Mapping[str, Any], column: str | None, where: str | None
) -> str:
    col = column or "the column"
    words: dict[str, Callable[[], str]] = {
        "not_null": lambda: f"{col} is never empty",
        "unique": lambda: f"no value of {col} appears twice",
        "accepted_values": lambda: f"{col} is one of {_join(kwargs.get('values', []))}",
        "relationships": lambda: (
            f"every {col} exists in {_plain_ref(kwargs.get('to'))}.{kwargs.get('field')}"
        ),
        "at_least_one": lambda: (
            f"at least one row has a non-empty {col} (the table came out empty: its input is"
            " empty, or every row was filtered out or quarantined)"
        ),
        "unique_combination_of_columns": lambda: (
            f"no combination of {_join(kwargs.get('combination_of_columns', []))} appears twice"
        ),
        "row_count_equal": lambda: (
            f"as many rows as {_plain_ref(kwargs.get('compare_model'))}"
        ),
        "contiguous_dates": lambda: (
            f"{col} has no gaps within each {kwargs.get('partition_by')}"
        ),
        "row_checks": lambda: "every row keeps the table's per-row rules (" + _row_rules(kwargs)
        + "); the broken ones are listed below",
    }
    if rule in words:
        text = words[rule]()
    else:
        text = f"{rule}({_join(f'{k}={v}' for k, v in kwargs.items() if k != 'model')})"
    filters = [w for w in (where, kwargs.get("where")) if w]
    return text + (f" (among rows where {' and '.join(filters)})" if filters else "")


def _singular_rule(node: Mapping[str, Any]) -> str:
    """A singular test's description, or the leading `--` comment of its SQL."""
    if node.get("description"):
        return str(node["description"])
    comment = []
    for line in str(node.get("raw_code") or "").splitlines():
        stripped = line.strip()
        if stripped.startswith("--"):
            comment.append(stripped.lstrip("-").strip())
        elif comment and not stripped.startswith("{{"):
            break
    return " ".join(comment) or f"the rows {node.get('original_file_path')} selects must not exist"


def _row_rules(kwargs: Mapping[str, Any]) -> str:
    """row_checks' rules in a few words: which columns each kind covers."""
    parts = []
    if kwargs.get("not_null"):
        parts.append(f"never empty: {_join(kwargs['not_null'])}")
    if kwargs.get("accepted_values"):
        parts.append("from a fixed list: " + _join(v["column"] for v in kwargs["accepted_values"]))
    for bounds in kwargs.get("ranges") or []:
        parts.append(f"{_range(bounds)}: {_join(bounds.get('columns', []))}")
    expressions = kwargs.get("expressions") or []
    if expressions:
        parts.append(f"{len(expressions)} expression(s) true")
    return "; ".join(parts)


def _range(bounds: Mapping[str, Any]) -> str:
    low, high = bounds.get("min_value"), bounds.get("max_value")
    inclusive = bounds.get("inclusive", True)
    ge, le = (">=", "<=") if inclusive else (">", "<")
    parts = [f"{ge} {low}" if low is not None else "", f"{le} {high}" if high is not None else ""]
    return " and ".join(p for p in parts if p)


def _join(values: Sequence[object] | Any) -> str:
    return ", ".join(str(v) for v in values)


def _example_rows(compiled_code: str, query: QueryFn | None, limit: int) -> list[str]:
    """Up to `limit` failing rows as `column='value', ...`; none when unreadable."""
    if query is None or not compiled_code.strip():
        return []
    try:
        columns, rows = query(
            f"select * from ({compiled_code.strip().rstrip(';')}) as failing_rows"
            f" limit {limit}"
        )
    except Exception:  # examples are a courtesy: the message stands without them
        return []
    return [
        ", ".join(
            f"{name}=" + ("<empty>" if value is None else repr(str(value)))
            for name, value in zip(columns, row, strict=True)
        )[:MAX_EXAMPLE_CHARS]
        for row in rows
    ]


def dbt_stopped_message(exit_code: int | None, output_lines: Sequence[str]) -> str | None:
    """dbt's own last words when it stopped before running any node (bad --vars, a
    project that does not parse): its plain-text lines, without colours or clock."""
    plain = [_CLOCK.sub("", _ANSI.sub("", line)).strip() for line in output_lines]
    plain = [line for line in plain if line]
    if not plain:
        return None
    return (
        f"dbt stopped before building anything (exit code {exit_code}). It said:\n"
        + "\n".join(plain[-STOPPED_OUTPUT_LINES:])
    )
