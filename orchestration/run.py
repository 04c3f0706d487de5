"""`make run`: materialise the whole asset graph once through Dagster, then summarise.

The run is recorded in DAGSTER_HOME like any UI-launched run, so `make ui`
afterwards shows its materialisations, checks and metadata. The terminal gets
the summary, or, when the run fails, one block per failed step saying why
(orchestration/failures.py); dbt's output and Dagster's events, stack traces
included, go to the log file."""

from __future__ import annotations

import argparse
import contextlib
import os
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import TextIO

from dagster import DagsterInstance, JobDefinition

from orchestration.dbt_assets import monitoring_dbt_assets, warehouse_dbt_assets
from orchestration.definitions import build_definitions
from orchestration.engine import engine
from orchestration.failures import failure_report
from orchestration.project import PROJECT_ROOT, warehouse_path
from orchestration.summary import summarize

RUN_LOG = PROJECT_ROOT / "logs" / "make_run.log"


def _quiet_logs(level: str) -> dict:
    """Dagster's console logger at `level` (main() sends it to the log file)."""
    return {"loggers": {"console": {"config": {"log_level": level}}}}


@contextlib.contextmanager
def _all_output_to(log: TextIO) -> Iterator[None]:
    """Send stdout and stderr to `log`, Python's and the process's own (file descriptors 1
    and 2): libraries that kept a handle on the terminal, such as dbt's in-process
    logger dagster-dbt starts, write there too."""
    sys.stdout.flush()
    sys.stderr.flush()
    saved = [os.dup(1), os.dup(2)]
    try:
        os.dup2(log.fileno(), 1)
        os.dup2(log.fileno(), 2)
        with contextlib.redirect_stdout(log), contextlib.redirect_stderr(log):
            yield
    finally:
        log.flush()
        os.dup2(saved[0], 1)
        os.dup2(saved[1], 2)
        for fd in saved:
            os.close(fd)


def _shown(path: Path) -> str:
    """`path` relative to the project when inside it (logs/make_run.log), else as given."""
    try:
        return str(path.resolve().relative_to(PROJECT_ROOT))
    except ValueError:
        return str(path)


def run_config_for(job: JobDefinition, log_level: str, dbt_vars: str) -> dict:
    """Quiet console logs, and the dbt vars for every dbt step of the job."""
    config = _quiet_logs(log_level)
    if dbt_vars.strip():
        dbt_ops = {asset.op.name for asset in (warehouse_dbt_assets, monitoring_dbt_assets)}
        in_job = dbt_ops & set(job.graph.node_dict)
        config["ops"] = {name: {"config": {"vars": dbt_vars}} for name in sorted(in_job)}
    return config


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description="Materialise every asset (raw -> marts -> ml -> reporting) and summarise."
    )
    parser.add_argument("--job", default="full_refresh_job", help="job to run")
    parser.add_argument(
        "--log-level",
        default="INFO",
        help="level of the Dagster events written to the log file (DEBUG: every event)",
    )
    parser.add_argument(
        "--log-file",
        type=Path,
        default=RUN_LOG,
        help=f"where dbt's output and Dagster's events go (default: {_shown(RUN_LOG)})",
    )
    parser.add_argument(
        "--vars",
        default="",
        help="dbt vars for this run (YAML or JSON, as `dbt --vars`), e.g. '{test_days: 30}';"
        " every setting is listed in dbt_project.yml",
    )
    args = parser.parse_args(argv)
    try:
        dbt_engine = engine()
    except ValueError as error:
        print(error, file=sys.stderr)
        return 2

    started = time.perf_counter()
    job = build_definitions().resolve_job_def(args.job)
    args.log_file.parent.mkdir(parents=True, exist_ok=True)
    # dbt's progress lines (stdout) and Dagster's event log (its console logger,
    # stderr) go to the log file, stack traces included; the terminal gets the
    # summary or, on failure, the messages that say why.
    with (
        DagsterInstance.get() as instance,
        args.log_file.open("w") as log,
        _all_output_to(log),
    ):
        result = job.execute_in_process(
            instance=instance,
            raise_on_error=False,
            run_config=run_config_for(job, args.log_level, args.vars),
        )
    elapsed = time.perf_counter() - started

    failed_steps = {e.step_key for e in result.all_events if e.is_step_failure}
    checks = [e for e in result.all_events if e.event_type_value == "ASSET_CHECK_EVALUATION"]
    failed_checks = [e for e in checks if not e.event_specific_data.passed]
    # A check of a failed step is explained in that step's block below.
    listed = [e.event_specific_data.check_name for e in failed_checks
              if e.step_key not in failed_steps]
    explained = len(failed_checks) - len(listed)
    print(f"Dagster run {result.run_id} ({args.job}, dbt on {dbt_engine}): "
          f"{'SUCCESS' if result.success else 'FAILURE'} in {elapsed:.1f}s")
    print(f"  asset checks: {len(checks) - len(failed_checks)} passed, "
          f"{len(failed_checks)} failed"
          f"{': ' + ', '.join(listed) if listed else ''}"
          f"{f' ({explained} explained below)' if explained else ''}")
    if not result.success:
        print()
        print(failure_report(job, result.all_events, result.run_id, _shown(args.log_file)))
        return 1
    print(f"  full log: {_shown(args.log_file)}")
    print()
    print(summarize(warehouse_path()))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
