"""Every exercise is sound: the reference passes everywhere, each known-wrong answer fails
where and how its header says, the starter runs but does not pass, a hard-coded copy of the
visible answer is caught by a hidden dataset, and the prompt names every output column."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from practice.catalog import Exercise, load_exercises
from practice.engine import QueryResult
from practice.grader import expected_result, grade

EXERCISES = load_exercises()
WRONG = [(e, w) for e in EXERCISES for w in e.wrong_answers]

# Issue 6 lists these patterns; each must be practised by at least one exercise.
REQUIRED_PATTERNS = (
    "similarity", "feature", "time series", "sessionization", "streak", "top-n",
    "deduplication", "tumbling", "hopping", "late", "point-in-time", "ctr", "funnel",
    "retention", "graph", "percentile", "drift",
)  # fmt: skip
WAREHOUSE_MODELS = {
    "stg_social__events", "stg_social__app_logs", "int_events_sessionized", "int_sessions",
    "int_tweet_engagement_hourly", "int_user_activity_daily", "fct_engagements",
    "feat_user_daily", "feat_training_set", "sim_tweet_tweet", "sim_user_tweet_candidates",
    "rpt_feature_drift", "int_users_bot_flagged", "agg_author_reach",
}  # fmt: skip


def _ids(items: list[Any]) -> list[str]:
    return [e.id if isinstance(e, Exercise) else f"{e[0].id}/{e[1].name}" for e in items]


def test_catalogue_has_at_least_15_exercises_with_unique_numbers() -> None:
    assert len(EXERCISES) >= 15
    numbers = [e.number for e in EXERCISES]
    assert len(set(numbers)) == len(numbers)


def test_every_required_pattern_is_covered() -> None:
    text = " ".join(f"{e.pattern} {e.title}".lower() for e in EXERCISES)
    missing = [p for p in REQUIRED_PATTERNS if p not in text]
    assert not missing, f"patterns without an exercise: {missing}"


@pytest.mark.parametrize("exercise", EXERCISES, ids=_ids(list(EXERCISES)))
def test_metadata_is_complete(exercise: Exercise) -> None:
    assert exercise.title and exercise.pattern and len(exercise.hints) >= 2
    assert len(exercise.datasets) >= 3, "the visible dataset and at least two hidden ones"
    assert exercise.wrong_answers, "at least one known-wrong answer"
    for ref in exercise.see_also:
        assert ref.startswith("models/") and ref.endswith(".sql")
        assert ref.rsplit("/", 1)[1].removesuffix(".sql") in WAREHOUSE_MODELS


@pytest.mark.parametrize("exercise", EXERCISES, ids=_ids(list(EXERCISES)))
def test_see_also_names_a_model_file_of_this_repository(
    exercise: Exercise, project_root: Path
) -> None:
    """A plain reference (nothing is read at runtime), but it must not point nowhere."""
    missing = [ref for ref in exercise.see_also if not (project_root / ref).is_file()]
    assert not missing, f"see_also names files that do not exist: {missing}"


@pytest.mark.parametrize("exercise", EXERCISES, ids=_ids(list(EXERCISES)))
def test_reference_solution_passes_every_dataset(exercise: Exercise) -> None:
    report = grade(exercise, exercise.solution_path.read_text())
    assert report.passed, report.render()


@pytest.mark.parametrize("exercise", EXERCISES, ids=_ids(list(EXERCISES)))
def test_prompt_names_every_output_column(exercise: Exercise) -> None:
    columns = expected_result(exercise, exercise.visible).columns
    missing = [c for c in columns if not re.search(rf"\b{re.escape(c)}\b", exercise.prompt)]
    assert not missing, f"output columns absent from the prompt: {missing}"


@pytest.mark.parametrize("exercise", EXERCISES, ids=_ids(list(EXERCISES)))
def test_starter_runs_without_sql_error_but_does_not_pass(exercise: Exercise) -> None:
    report = grade(exercise, exercise.starter_path.read_text())
    assert not report.passed
    assert all(o.status in {"pass", "fail"} for o in report.outcomes), report.render()


@pytest.mark.parametrize(("exercise", "wrong"), WRONG, ids=_ids(WRONG))
def test_known_wrong_answer_fails_with_its_message(exercise: Exercise, wrong: Any) -> None:
    report = grade(exercise, wrong.path.read_text())
    failure = report.first_failure
    assert failure is not None, f"{wrong.why}: passed every dataset"
    if wrong.fails_on is not None:
        assert failure.dataset.name == wrong.fails_on, report.render()
    assert wrong.expect.lower() in failure.message.lower(), report.render()


def _literal(value: Any, duck_type: str) -> str:
    if value is None:
        return f"cast(null as {duck_type})"
    if isinstance(value, str):
        text = value.replace("'", "''")
        return f"cast('{text}' as {duck_type})"
    if isinstance(value, (dt.date, dt.datetime, dt.time, dt.timedelta)):
        return f"cast('{value}' as {duck_type})"
    if isinstance(value, (int, float, Decimal, bool)):
        return f"cast({value!r} as {duck_type})".replace("Decimal('", "").replace("')", "")
    raise TypeError(f"no literal for {value!r}")


def hard_coded_sql(result: QueryResult) -> str:
    """A query returning exactly `result`, in order: what a learner who copied the example
    output would write."""
    columns = ", ".join(result.columns)
    if not result.rows:
        return f"select {columns} from (select " + ", ".join(
            f"null as {c}" for c in result.columns
        ) + ") where false"
    rows = [
        f"({i}, "
        + ", ".join(_literal(v, t) for v, t in zip(row, result.types, strict=True))
        + ")"
        for i, row in enumerate(result.rows)
    ]
    return (
        f"select {columns} from (values {', '.join(rows)}) "
        f"as copied (row_index, {columns}) order by row_index"
    )


@pytest.mark.parametrize("exercise", EXERCISES, ids=_ids(list(EXERCISES)))
def test_hard_coded_visible_answer_fails_a_hidden_dataset(exercise: Exercise) -> None:
    expected = expected_result(exercise, exercise.visible)
    report = grade(exercise, hard_coded_sql(expected))
    visible, *hidden = report.outcomes
    assert visible.passed, report.render()
    assert not all(o.passed for o in hidden), "every hidden dataset has the visible answer"
