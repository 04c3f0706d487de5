"""Compare a learner's result set with the expected one the way a good judge does.

Rules: columns are matched by name, case-insensitively, in any order; rows are a
multiset (duplicates count) compared without regard to order unless the contract says
order matters; numbers compare by value (3 == 3.0), floats within a tolerance; NULL
equals NULL and NaN equals NaN. Every failure message says what to fix.
"""

from __future__ import annotations

import datetime as dt
import difflib
import itertools
import math
from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from practice.engine import QueryResult

_APPROX_TYPES = ("DOUBLE", "FLOAT", "REAL", "DECIMAL")
_NUMERIC_TYPES = (
    "TINYINT", "SMALLINT", "INTEGER", "BIGINT", "HUGEINT", "UTINYINT", "USMALLINT",
    "UINTEGER", "UBIGINT", "UHUGEINT", *_APPROX_TYPES,
)  # fmt: skip


@dataclass(frozen=True)
class Verdict:
    """`ok` plus the lines to show the learner; `kind` names the failure for tests/tools."""

    ok: bool
    kind: str  # "ok" | "columns" | "rows" | "order"
    lines: tuple[str, ...] = ()

    @property
    def message(self) -> str:
        return "\n".join(self.lines)


class _NaN:
    """A stand-in that makes NaN equal to NaN (IEEE says it is not; a judge says it is)."""

    def __eq__(self, other: object) -> bool:
        return isinstance(other, _NaN)

    def __hash__(self) -> int:
        return hash("NaN")

    def __repr__(self) -> str:
        return "NaN"


def _type_family(duck_type: str) -> str:
    base = duck_type.split("(")[0].upper()
    if base in _NUMERIC_TYPES:
        return "number"
    if base.startswith("TIMESTAMP"):
        return "TIMESTAMP"
    return base


def _normalize(value: Any, approx: bool) -> Any:
    """A hashable, comparable value: numbers by value, containers as tuples."""
    if value is None or isinstance(value, bool):
        return value
    if isinstance(value, (int, float, Decimal)):
        number = float(value) if not isinstance(value, int) else value
        if isinstance(number, float) and math.isnan(number):
            return _NaN()
        if approx:
            return float(number)
        if isinstance(number, float) and number.is_integer():
            return int(number)
        return number
    if isinstance(value, (list, tuple)):
        return tuple(_normalize(v, approx) for v in value)
    if isinstance(value, dict):
        return tuple(sorted((k, _normalize(v, approx)) for k, v in value.items()))
    return value


def _close(a: Any, b: Any, tolerance: float) -> bool:
    if isinstance(a, float) and isinstance(b, (int, float)) and not isinstance(b, bool):
        return math.isclose(a, float(b), rel_tol=tolerance, abs_tol=tolerance)
    if isinstance(a, tuple) and isinstance(b, tuple) and len(a) == len(b):
        return all(_close(x, y, tolerance) for x, y in zip(a, b, strict=True))
    return a == b


def _sort_key(row: tuple[Any, ...]) -> tuple[Any, ...]:
    return tuple((v is None, isinstance(v, _NaN), v if isinstance(v, float) else 0) for v in row)


def format_value(value: Any) -> str:
    if value is None:
        return "NULL"
    if isinstance(value, str):
        return repr(value)
    if isinstance(value, float):
        return f"{value:.1f}" if value.is_integer() else f"{value:.10g}"
    if isinstance(value, dt.datetime):
        return value.isoformat(sep=" ")
    if isinstance(value, (list, tuple)):
        return "[" + ", ".join(format_value(v) for v in value) + "]"
    return str(value)


def format_row(columns: tuple[str, ...], row: tuple[Any, ...]) -> str:
    pairs = zip(columns, row, strict=True)
    return "(" + ", ".join(f"{c}={format_value(v)}" for c, v in pairs) + ")"


def _plural(n: int, word: str) -> str:
    return f"{n} {word}" if n == 1 else f"{n} {word}s"


def _multiset_diff(
    expected: list[tuple[Any, ...]],
    actual: list[tuple[Any, ...]],
    approx: list[bool],
    tolerance: float,
) -> tuple[list[int], list[int]]:
    """Indices of unmatched expected rows (missing) and unmatched actual rows (extra).

    Rows are bucketed by their exact columns, then floats are paired within a bucket in
    sorted order: linear for the usual case, and each actual row matches at most once, so
    duplicates are counted.
    """

    def split(row: tuple[Any, ...]) -> tuple[tuple[Any, ...], tuple[Any, ...]]:
        exact = tuple(v for v, a in zip(row, approx, strict=True) if not a)
        fuzzy = tuple(v for v, a in zip(row, approx, strict=True) if a)
        return exact, fuzzy

    buckets: dict[tuple[Any, ...], tuple[list[int], list[int]]] = defaultdict(lambda: ([], []))
    for i, row in enumerate(expected):
        buckets[split(row)[0]][0].append(i)
    for j, row in enumerate(actual):
        buckets[split(row)[0]][1].append(j)
    missing: list[int] = []
    extra: list[int] = []
    for exp_idx, act_idx in buckets.values():
        exp_sorted = sorted(exp_idx, key=lambda i: _sort_key(split(expected[i])[1]))
        remaining = sorted(act_idx, key=lambda j: _sort_key(split(actual[j])[1]))
        for i in exp_sorted:
            fuzzy = split(expected[i])[1]
            for pos, j in enumerate(remaining):
                if _close(fuzzy, split(actual[j])[1], tolerance):
                    del remaining[pos]
                    break
            else:
                missing.append(i)
        extra.extend(remaining)
    return sorted(missing), sorted(extra)


def compare(
    expected: QueryResult,
    actual: QueryResult,
    *,
    order_matters: bool = False,
    float_tolerance: float = 1e-6,
    max_examples: int = 3,
) -> Verdict:
    """Judge `actual` against `expected`; `max_examples` caps rows quoted back per side."""
    columns_verdict = _check_columns(expected, actual)
    if columns_verdict is not None:
        return columns_verdict

    position = {name: i for i, name in enumerate(actual.columns)}
    order = [position[name] for name in expected.columns]
    approx = [
        _type_family(t) == "number" and t.split("(")[0].upper() in _APPROX_TYPES
        for t in expected.types
    ]
    exp_rows = [
        tuple(_normalize(v, a) for v, a in zip(r, approx, strict=True)) for r in expected.rows
    ]
    act_rows = [
        tuple(_normalize(r[k], a) for k, a in zip(order, approx, strict=True)) for r in actual.rows
    ]
    act_types = tuple(actual.types[k] for k in order)

    missing, extra = _multiset_diff(exp_rows, act_rows, approx, float_tolerance)
    if missing or extra:
        lines = [
            f"expected {_plural(len(exp_rows), 'row')}, got {len(act_rows)}: "
            f"{len(missing)} missing, {len(extra)} extra (rows compared as a multiset"
            + (f", floats within {float_tolerance:g})" if any(approx) else ")")
        ]
        lines += _type_notes(expected.columns, expected.types, act_types)
        lines += _culprit_columns(expected.columns, exp_rows, act_rows, approx, float_tolerance)
        if missing:
            lines.append(f"  missing rows (first {min(max_examples, len(missing))}):")
            lines += [
                "    " + format_row(expected.columns, expected.rows[i])
                for i in missing[:max_examples]
            ]
        if extra:
            lines.append(f"  extra rows (first {min(max_examples, len(extra))}):")
            lines += [
                "    " + format_row(expected.columns, tuple(actual.rows[j][k] for k in order))
                for j in extra[:max_examples]
            ]
        return Verdict(False, "rows", tuple(lines))

    if order_matters:
        for index, (exp, act) in enumerate(zip(exp_rows, act_rows, strict=True)):
            if not _close(exp, act, float_tolerance):
                return Verdict(
                    False,
                    "order",
                    (
                        "right rows, wrong order: the contract fixes the row order "
                        "(check your ORDER BY and its tie-breakers)",
                        f"  first difference at row {index + 1}:",
                        "    expected " + format_row(expected.columns, expected.rows[index]),
                        "    got      "
                        + format_row(expected.columns, tuple(actual.rows[index][k] for k in order)),
                    ),
                )
    return Verdict(True, "ok")


def _check_columns(expected: QueryResult, actual: QueryResult) -> Verdict | None:
    lines: list[str] = []
    seen: set[str] = set()
    duplicated = sorted({c for c in actual.columns if c in seen or seen.add(c)})
    if duplicated:
        lines.append(f"duplicate column names in your result: {', '.join(duplicated)}")
    missing = [c for c in expected.columns if c not in actual.columns]
    extra = [c for c in actual.columns if c not in expected.columns]
    for name in missing:
        close = difflib.get_close_matches(name, extra, n=1)
        suffix = f" (you have '{close[0]}': rename it?)" if close else ""
        lines.append(f"missing column '{name}'{suffix}")
    if extra:
        lines.append(f"unexpected columns: {', '.join(repr(c) for c in extra)}")
    if not lines:
        return None
    lines.append(f"expected columns: {', '.join(expected.columns)} (any order, any case)")
    return Verdict(False, "columns", tuple(lines))


def _type_notes(
    columns: tuple[str, ...], expected_types: tuple[str, ...], actual_types: tuple[str, ...]
) -> list[str]:
    notes = []
    for name, exp, act in zip(columns, expected_types, actual_types, strict=True):
        if _type_family(exp) != _type_family(act):
            notes.append(f"  column '{name}' is {act}, expected {exp}: cast it")
    return notes


def _culprit_columns(
    columns: tuple[str, ...],
    expected: list[tuple[Any, ...]],
    actual: list[tuple[Any, ...]],
    approx: list[bool],
    tolerance: float,
) -> list[str]:
    """If dropping one or two columns makes the rows match, they hold the mistake: say so."""
    if len(expected) != len(actual) or len(columns) < 2:
        return []
    candidates = [(k,) for k in range(len(columns))]
    if len(columns) > 2:
        candidates += list(itertools.combinations(range(len(columns)), 2))
    for dropped in candidates:
        keep = [i for i in range(len(columns)) if i not in dropped]
        exp = [tuple(r[i] for i in keep) for r in expected]
        act = [tuple(r[i] for i in keep) for r in actual]
        missing, extra = _multiset_diff(exp, act, [approx[i] for i in keep], tolerance)
        if not missing and not extra:
            names = " and ".join(f"'{columns[k]}'" for k in dropped)
            return [f"  every other column matches: the values in {names} are wrong"]
    return []
