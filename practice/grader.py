"""Grade a learner's SQL for one exercise on every dataset.

The expected result of each dataset is computed by running the reference solution on it,
so expected outputs can never drift from the solution. The visible dataset is graded
first and quoted generously; hidden datasets exist to catch hard-coded and edge-case
answers, so their feedback names the edge case and quotes only a couple of rows.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from practice.catalog import Dataset, Exercise
from practice.compare import Verdict, compare
from practice.engine import (
    DEFAULT_TIMEOUT_SECONDS,
    QueryFailed,
    QueryResult,
    QueryTimeout,
    run_query,
)

VISIBLE_EXAMPLES = 5
HIDDEN_EXAMPLES = 2
# The reference solution gets a generous limit: it is only slow if the machine is.
_SOLUTION_TIMEOUT_SECONDS = 60.0


@dataclass(frozen=True)
class DatasetOutcome:
    dataset: Dataset
    status: str  # "pass" | "fail" | "error" | "timeout" | "skipped"
    message: str = ""

    @property
    def passed(self) -> bool:
        return self.status == "pass"


@dataclass(frozen=True)
class Report:
    exercise: Exercise
    outcomes: tuple[DatasetOutcome, ...]

    @property
    def passed(self) -> bool:
        return all(o.passed for o in self.outcomes)

    @property
    def first_failure(self) -> DatasetOutcome | None:
        return next((o for o in self.outcomes if not o.passed), None)

    def render(self) -> str:
        lines = [f"{self.exercise.id}: {self.exercise.title}"]
        previous = ""
        for outcome in self.outcomes:
            label = "hidden " if outcome.dataset.hidden else ""
            lines.append(f"  [{outcome.status.upper():>7}] {label}dataset '{outcome.dataset.name}'")
            if outcome.message and outcome.message == previous:
                lines.append("      (same message as above)")
            elif outcome.message:
                lines += ["      " + line for line in outcome.message.splitlines()]
            previous = outcome.message
        passed = sum(o.passed for o in self.outcomes)
        total = len(self.outcomes)
        if self.passed:
            lines.append(f"PASS: {passed}/{total} datasets.")
        else:
            lines.append(
                f"FAIL: {passed}/{total} datasets passed. "
                f"Stuck? `python -m practice hint {self.exercise.id}`."
            )
        return "\n".join(lines)


def expected_result(exercise: Exercise, dataset: Dataset) -> QueryResult:
    """The reference solution's result on `dataset` (the answer key, never stored on disk)."""
    return _run_solution(dataset.sql(), exercise.solution_path.read_text())


@lru_cache(maxsize=256)
def _run_solution(dataset_sql: str, solution_sql: str) -> QueryResult:
    """Keyed on the SQL text itself, so an edited solution or dataset is never served stale."""
    return run_query(dataset_sql, solution_sql, _SOLUTION_TIMEOUT_SECONDS)


def grade_dataset(
    exercise: Exercise, dataset: Dataset, sql: str, timeout: float
) -> DatasetOutcome:
    expected = expected_result(exercise, dataset)
    try:
        actual = run_query(dataset.sql(), sql, timeout)
    except QueryTimeout as exc:
        return DatasetOutcome(dataset, "timeout", str(exc))
    except QueryFailed as exc:
        return DatasetOutcome(dataset, "error", str(exc))
    verdict: Verdict = compare(
        expected,
        actual,
        order_matters=exercise.order_matters,
        float_tolerance=exercise.float_tolerance,
        max_examples=HIDDEN_EXAMPLES if dataset.hidden else VISIBLE_EXAMPLES,
    )
    if verdict.ok:
        return DatasetOutcome(dataset, "pass")
    message = verdict.message
    if dataset.hidden and dataset.description:
        message = f"this hidden dataset checks: {dataset.description}\n{message}"
    return DatasetOutcome(dataset, "fail", message)


def grade(exercise: Exercise, sql: str, timeout: float = DEFAULT_TIMEOUT_SECONDS) -> Report:
    """Run `sql` on every dataset of `exercise`; after a timeout the rest are skipped."""
    outcomes: list[DatasetOutcome] = []
    stop = False
    for dataset in exercise.datasets:
        if stop:
            outcomes.append(DatasetOutcome(dataset, "skipped", "not run after a timeout"))
            continue
        outcome = grade_dataset(exercise, dataset, sql, timeout)
        outcomes.append(outcome)
        stop = outcome.status == "timeout"
    return Report(exercise, tuple(outcomes))
