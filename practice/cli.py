"""Command line: list, show, start, check, hint, solution.

Exit codes: 0 success (and a passing check), 1 a failing check, 2 a usage error
(unknown exercise, missing file, bad arguments), so scripts and editors can tell them apart.
"""

from __future__ import annotations

import argparse
import shutil
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any, TextIO

from practice.catalog import Exercise, UnknownExercise, find_exercise, load_exercises
from practice.compare import format_value
from practice.engine import DEFAULT_TIMEOUT_SECONDS, QueryResult, describe_tables
from practice.grader import expected_result, grade

EXIT_PASS, EXIT_FAIL, EXIT_USAGE = 0, 1, 2


class UsageError(Exception):
    """A mistake in how the command was called; exits with code 2."""


def render_table(result: QueryResult, max_rows: int = 50) -> str:
    """A plain-text grid with a header carrying each column's type."""
    headers = [f"{c} ({t.lower()})" for c, t in zip(result.columns, result.types, strict=True)]
    cells = [[format_value(v) for v in row] for row in result.rows[:max_rows]]
    widths = [max([len(h)] + [len(r[i]) for r in cells]) for i, h in enumerate(headers)]

    def line(values: Sequence[str]) -> str:
        return "| " + " | ".join(v.ljust(w) for v, w in zip(values, widths, strict=True)) + " |"

    out = [line(headers), "|" + "|".join("-" * (w + 2) for w in widths) + "|"]
    out += [line(r) for r in cells]
    if not result.rows:
        out.append("(no rows)")
    elif len(result.rows) > max_rows:
        out.append(f"... {len(result.rows) - max_rows} more rows")
    return "\n".join(out)


def _sorted_rows(rows: tuple[tuple[Any, ...], ...]) -> tuple[tuple[Any, ...], ...]:
    """Rows in a stable, readable order (NULLs last); unchanged if values do not compare."""
    try:
        return tuple(sorted(rows, key=lambda r: [(v is None, 0 if v is None else v) for v in r]))
    except TypeError:
        return rows


def markdown_table(exercises: Sequence[Exercise]) -> str:
    """The exercise table of practice/README.md (a test keeps the README in sync)."""
    lines = [
        "| # | id | difficulty | pattern | the warehouse solves it in |",
        "|---|---|---|---|---|",
    ]
    for e in exercises:
        models = ", ".join(f"`{Path(m).stem}`" for m in e.see_also) or "-"
        lines.append(f"| {e.number:02d} | `{e.id}` | {e.difficulty} | {e.pattern} | {models} |")
    return "\n".join(lines)


def cmd_list(args: argparse.Namespace, out: TextIO) -> int:
    exercises = [
        e
        for e in load_exercises()
        if (args.difficulty is None or e.difficulty == args.difficulty)
        and (args.pattern is None or args.pattern.lower() in e.pattern.lower())
    ]
    if args.markdown:
        out.write(markdown_table(exercises) + "\n")
        return EXIT_PASS
    rows = [("#", "id", "difficulty", "pattern", "title")]
    rows += [
        (f"{e.number:02d}", e.id, e.difficulty, e.pattern.split(",")[0], e.title)
        for e in exercises
    ]
    widths = [max(len(r[i]) for r in rows) for i in range(4)]
    for row in rows:
        out.write("  ".join(v.ljust(w) for v, w in zip(row[:4], widths, strict=True)))
        out.write(f"  {row[4]}\n")
    out.write(
        "\nNext: `python -m practice show ID`, then `start ID` and `check ID FILE.sql`.\n"
    )
    return EXIT_PASS


def cmd_show(args: argparse.Namespace, out: TextIO) -> int:
    exercise = find_exercise(args.id)
    out.write(f"#{exercise.number:02d} {exercise.id}: {exercise.title}\n")
    out.write(f"difficulty: {exercise.difficulty}   pattern: {exercise.pattern}\n")
    if exercise.see_also:
        out.write(f"see also: {', '.join(exercise.see_also)}\n")
    out.write(f"\n{exercise.prompt}\n\n")
    order = "the row order is part of the contract" if exercise.order_matters else (
        "row order is ignored"
    )
    out.write(
        f"Grading: {order}; columns matched by name (any case); floats within "
        f"{exercise.float_tolerance:g}; run on the example below and "
        f"{len(exercise.datasets) - 1} hidden datasets.\n"
    )
    out.write("\nExample input (dataset 'visible'):\n")
    for name, table in describe_tables(exercise.visible.sql()):
        out.write(f"\n{name}\n{render_table(table)}\n")
    expected = expected_result(exercise, exercise.visible)
    if not exercise.order_matters:  # any order is accepted: show a readable one
        expected = QueryResult(expected.columns, expected.types, _sorted_rows(expected.rows))
    out.write("\nExpected output on this example:\n")
    out.write(render_table(expected) + "\n")
    out.write(
        f"\n{len(exercise.hints)} hints: `python -m practice hint {exercise.id}`. "
        f"Start: `python -m practice start {exercise.id}`.\n"
    )
    return EXIT_PASS


def answer_path(exercise: Exercise, directory: Path) -> Path:
    return directory / f"{exercise.id}.sql"


def cmd_start(args: argparse.Namespace, out: TextIO) -> int:
    exercise = find_exercise(args.id)
    directory = Path(args.dir)
    target = answer_path(exercise, directory)
    if target.exists() and not args.force:
        raise UsageError(f"{target} already exists: keep working on it, or pass --force")
    directory.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(exercise.starter_path, target)
    out.write(f"wrote {target}\nedit it, then: python -m practice check {exercise.id} {target}\n")
    return EXIT_PASS


def cmd_check(args: argparse.Namespace, out: TextIO) -> int:
    exercise = find_exercise(args.id)
    path = Path(args.file) if args.file else answer_path(exercise, Path("."))
    if not path.is_file():
        raise UsageError(f"no such file: {path} (create it with `start {exercise.id}`)")
    report = grade(exercise, path.read_text(), timeout=args.timeout)
    out.write(report.render() + "\n")
    return EXIT_PASS if report.passed else EXIT_FAIL


def cmd_hint(args: argparse.Namespace, out: TextIO) -> int:
    exercise = find_exercise(args.id)
    total = len(exercise.hints)
    upto = args.n if args.n is not None else 1
    if not 1 <= upto <= total:
        raise UsageError(f"{exercise.id} has hints 1 to {total}")
    for i in range(upto):
        out.write(f"Hint {i + 1}/{total}: {exercise.hints[i]}\n")
    if upto < total:
        out.write(f"(more: `python -m practice hint {exercise.id} {upto + 1}`)\n")
    return EXIT_PASS


def cmd_solution(args: argparse.Namespace, out: TextIO) -> int:
    exercise = find_exercise(args.id)
    out.write(exercise.solution_path.read_text())
    if exercise.see_also:
        models = ", ".join(exercise.see_also)
        out.write(f"\n-- The warehouse solves the same problem in: {models}\n")
    return EXIT_PASS


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m practice",
        description="SQL interview practice, graded locally on DuckDB.",
    )
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    p = sub.add_parser("list", help="list the exercises")
    p.add_argument("--difficulty", choices=["easy", "medium", "hard"])
    p.add_argument("--pattern", help="substring of the pattern tags, e.g. window")
    p.add_argument("--markdown", action="store_true", help="a Markdown table (the README's)")
    p.set_defaults(func=cmd_list)
    p = sub.add_parser("show", help="the question, the example input and expected output")
    p.add_argument("id", help="exercise id or number")
    p.set_defaults(func=cmd_show)
    p = sub.add_parser("start", help="copy the starter file to DIR/ID.sql")
    p.add_argument("id")
    p.add_argument("dir", nargs="?", default=".", help="target folder (default: here)")
    p.add_argument("--force", action="store_true", help="overwrite an existing file")
    p.set_defaults(func=cmd_start)
    p = sub.add_parser("check", help="grade FILE.sql on the visible and hidden datasets")
    p.add_argument("id")
    p.add_argument("file", nargs="?", help="your SQL (default: ./ID.sql, as `start` writes)")
    p.add_argument(
        "--timeout",
        type=float,
        default=DEFAULT_TIMEOUT_SECONDS,
        help=f"seconds per dataset (default {DEFAULT_TIMEOUT_SECONDS:g})",
    )
    p.set_defaults(func=cmd_check)
    p = sub.add_parser("hint", help="hints 1..N (default 1)")
    p.add_argument("id")
    p.add_argument("n", nargs="?", type=int)
    p.set_defaults(func=cmd_hint)
    p = sub.add_parser("solution", help="print the reference solution")
    p.add_argument("id")
    p.set_defaults(func=cmd_solution)
    return parser


def main(argv: Sequence[str] | None = None, out: TextIO | None = None) -> int:
    out = out or sys.stdout
    parser = build_parser()
    try:
        args: Any = parser.parse_args(argv)
    except SystemExit as exc:  # argparse already printed the usage message
        return int(exc.code) if isinstance(exc.code, int) else EXIT_USAGE
    try:
        return int(args.func(args, out))
    except (UnknownExercise, UsageError) as exc:
        sys.stderr.write(f"error: {exc}\n")
        return EXIT_USAGE
