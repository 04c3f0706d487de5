"""`make run`: materialise the whole asset graph once through Dagster, then summarise.

The run is recorded in DAGSTER_HOME like any UI-launched run, so `make ui`
afterwards shows its materialisations, checks and metadata."""

from __future__ import annotations

import argparse
import contextlib
import time

from dagster import DagsterInstance, JobDefinition

from orchestration.dbt_assets import monitoring_dbt_assets, warehouse_dbt_assets
from orchestration.definitions import build_definitions
from orchestration.project import PROJECT_ROOT, warehouse_path
from orchestration.summary import summarize

RUN_LOG = PROJECT_ROOT / "logs" / "make_run.log"


def _quiet_logs(level: str) -> dict:
    """Console logging at `level`: the full event log is in the UI, not the terminal."""
    return {"loggers": {"console": {"config": {"log_level": level}}}}


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
        "--log-level", default="ERROR", help="console log level (DEBUG shows every event)"
    )
    parser.add_argument(
        "--vars",
        default="",
        help="dbt vars for this run (YAML or JSON, as `dbt --vars`), e.g. '{test_days: 30}';"
        " every setting is listed in dbt_project.yml",
    )
    args = parser.parse_args(argv)

    started = time.perf_counter()
    job = build_definitions().resolve_job_def(args.job)
    RUN_LOG.parent.mkdir(parents=True, exist_ok=True)
    # dbt's own progress lines go to a file (and to the UI's compute logs), so the
    # terminal shows the summary; `--log-level DEBUG` brings Dagster's events back.
    with (
        DagsterInstance.get() as instance,
        RUN_LOG.open("w") as log,
        contextlib.redirect_stdout(log),
    ):
        result = job.execute_in_process(
            instance=instance,
            raise_on_error=False,
            run_config=run_config_for(job, args.log_level, args.vars),
        )
    elapsed = time.perf_counter() - started

    failed = [e.step_key for e in result.all_events if e.is_step_failure]
    checks = [
        e.event_specific_data
        for e in result.all_events
        if e.event_type_value == "ASSET_CHECK_EVALUATION"
    ]
    failed_checks = [c.check_name for c in checks if not c.passed]
    print(f"Dagster run {result.run_id} ({args.job}): "
          f"{'SUCCESS' if result.success else 'FAILURE'} in {elapsed:.1f}s")
    print(f"  asset checks: {len(checks) - len(failed_checks)} passed, "
          f"{len(failed_checks)} failed{': ' + ', '.join(failed_checks) if failed_checks else ''}")
    if failed:
        print(f"  failed steps: {', '.join(failed)}")
    print(f"  dbt output: {RUN_LOG.relative_to(PROJECT_ROOT)}")
    print()
    print(summarize(warehouse_path()))
    return 0 if result.success else 1


if __name__ == "__main__":
    raise SystemExit(main())
