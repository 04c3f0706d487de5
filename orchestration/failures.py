"""What `make run` prints when the run fails: one block per failed step, no stack traces.

The message comes from whoever raised it, once and verbatim: the dbt step raises
a `dagster.Failure` whose description already names the model or test, table,
column, rule, examples and fix (orchestration/dbt_failures.py); a blocking asset
check gives its `reason`; any other step its exception's own message. Dagster's
stack traces stay in the run log file and the UI."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from dagster import DagsterEvent, JobDefinition
from dagster._utils.error import SerializableErrorInfo

# Exceptions Dagster wraps around the one user code raised.
_WRAPPERS = frozenset(
    {"DagsterExecutionStepExecutionError", "DagsterUserCodeExecutionError"}
)
_ANSI = re.compile(r"\x1b\[[0-9;]*m")
INDENT = "  "


@dataclass(frozen=True)
class StepFailure:
    """One failed step and the plain message that says why."""

    step_key: str
    message: str


def _check_evaluations(events: Sequence[DagsterEvent]) -> list[DagsterEvent]:
    return [e for e in events if e.event_type_value == "ASSET_CHECK_EVALUATION"]


def _innermost_user_error(error: SerializableErrorInfo) -> SerializableErrorInfo:
    while error.cls_name in _WRAPPERS and error.cause is not None:
        error = error.cause
    return error


def _error_text(error: SerializableErrorInfo) -> str:
    """The exception's message as raised (its class name and text), no stack."""
    return _ANSI.sub("", error.message).strip()


def _failed_check_text(event: DagsterEvent) -> str:
    evaluation = event.event_specific_data
    reason = evaluation.metadata.get("reason") if evaluation.metadata else None
    text = (
        f"asset check {evaluation.check_name} on {evaluation.asset_key.to_user_string()}"
        " failed."
    )
    text += f"\nReason: {reason.value}" if reason is not None else ""
    return text + (f"\n{evaluation.description}" if evaluation.description else "")


def step_failures(events: Sequence[DagsterEvent]) -> list[StepFailure]:
    """Every failed step with its message, in the order they failed."""
    failures = []
    for event in events:
        if not event.is_step_failure:
            continue
        data = event.event_specific_data
        if data.user_failure_data is not None and data.user_failure_data.description:
            message = data.user_failure_data.description
        elif data.error is None:
            message = "the step failed without an error message"
        else:
            error = _innermost_user_error(data.error)
            failed_checks = [
                c
                for c in _check_evaluations(events)
                if c.step_key == event.step_key and not c.event_specific_data.passed
            ]
            if error.cls_name == "DagsterAssetCheckFailedError" and failed_checks:
                message = "\n".join(_failed_check_text(c) for c in failed_checks)
            else:
                message = _error_text(error)
        failures.append(StepFailure(str(event.step_key), message.strip()))
    return failures


def steps_not_run(job: JobDefinition, events: Sequence[DagsterEvent]) -> list[str]:
    """The job's steps that never started (skipped because a step before them failed)."""
    started = {e.step_key for e in events if e.is_step_start}
    return [n.name for n in job.graph.nodes_in_topological_order if n.name not in started]


def run_failure_text(events: Sequence[DagsterEvent]) -> str | None:
    """Why the run failed when no step did (e.g. it could not start)."""
    for event in events:
        if event.event_type_value == "RUN_FAILURE":
            data = event.event_specific_data
            error = getattr(data, "error", None)
            if error is not None:
                return _error_text(_innermost_user_error(error))
            return event.message
    return None


def failure_report(
    job: JobDefinition, events: Sequence[DagsterEvent], run_id: str, log_file: str
) -> str:
    """The block `make run` prints for a failed run."""
    lines: list[str] = []
    failures = step_failures(events)
    for failure in failures:
        node = job.graph.node_dict.get(failure.step_key)
        what = node.definition.description if node is not None else None
        lines.append(f"Failed: step {failure.step_key}" + (f" ({what})" if what else ""))
        lines.extend((INDENT + line).rstrip() for line in failure.message.splitlines())
        lines.append("")
    if not failures:
        lines.append("Failed before any step ran:")
        text = run_failure_text(events) or "no error message"
        lines.extend((INDENT + line).rstrip() for line in text.splitlines())
        lines.append("")
    not_run = steps_not_run(job, events)
    if not_run:
        lines.append(f"Not run because of it: {', '.join(not_run)}.")
    lines.append(
        f"Full log: {log_file} (dbt's output and every Dagster event, with stack traces);"
        f" `make ui` shows run {run_id} too."
    )
    return "\n".join(lines)
