"""The whole asset graph materialises in-process against a temporary warehouse with
every check passing; when a data problem stops the run, `python -m orchestration.run`
(what `make run` calls) prints one plain block saying why, no stack trace, and
exits non-zero, while the full log keeps the trace."""

from __future__ import annotations

import csv
import os
import re
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import duckdb
import pytest
from conftest import private_dbt_target
from dagster import AssetKey, DagsterEventType, DagsterInstance, ExecuteInProcessResult

from orchestration.definitions import build_definitions
from orchestration.run import run_config_for
from orchestration.summary import summarize

pytestmark = pytest.mark.long

MODEL_KEY = AssetKey(["ml", "model_registry"])


def _run_full_graph(
    tmp: Path, monkeypatch: pytest.MonkeyPatch, dbt_vars: str = ""
) -> ExecuteInProcessResult:
    monkeypatch.setenv("SOCIAL_ML_DB", str(tmp / "warehouse.duckdb"))
    monkeypatch.setenv("SOCIAL_ML_MODELS_DIR", str(tmp / "models"))
    private_dbt_target(monkeypatch, tmp / "warehouse.duckdb", tmp)
    job = build_definitions().resolve_job_def("full_refresh_job")
    with DagsterInstance.ephemeral() as instance:
        return job.execute_in_process(
            instance=instance,
            raise_on_error=False,
            # The run config `make run VARS=...` sends: dbt vars for every dbt step.
            run_config=run_config_for(job, "ERROR", dbt_vars),
        )


def _check_evaluations(result: ExecuteInProcessResult) -> list:
    return [
        event.event_specific_data
        for event in result.all_events
        if event.event_type_value == "ASSET_CHECK_EVALUATION"
    ]


@pytest.fixture(scope="module")
def full_run(
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[tuple[ExecuteInProcessResult, Path]]:
    tmp = tmp_path_factory.mktemp("full_graph")
    with pytest.MonkeyPatch.context() as monkeypatch:
        monkeypatch.delenv("SOCIAL_ML_RAW_DIR", raising=False)
        yield _run_full_graph(tmp, monkeypatch), tmp


def test_full_graph_succeeds(full_run) -> None:
    result, _ = full_run
    failures = [e.step_key for e in result.all_events if e.is_step_failure]
    assert result.success, f"failed steps: {failures}"


def test_every_asset_materialised(full_run) -> None:
    result, _ = full_run
    materialised = {
        e.event_specific_data.materialization.asset_key
        for e in result.get_asset_materialization_events()
    }
    expected = set(build_definitions().resolve_asset_graph().materializable_asset_keys)
    assert expected <= materialised, f"not materialised: {sorted(expected - materialised)}"


def test_all_checks_pass_including_model_quality(full_run) -> None:
    result, _ = full_run
    evaluations = _check_evaluations(result)
    failed = [e.check_name for e in evaluations if not e.passed]
    assert evaluations and not failed, f"failed checks: {failed}"
    assert any(e.check_name == "beats_baseline" for e in evaluations)


def test_ml_tables_written_to_the_temporary_warehouse(full_run) -> None:
    _, tmp = full_run
    con = duckdb.connect(str(tmp / "warehouse.duckdb"), read_only=True)
    try:
        versions = con.execute("select count(*) from ml.model_registry").fetchone()[0]
        recs = con.execute("select count(*) from ml.recommendations").fetchone()[0]
    finally:
        con.close()
    assert versions == 1 and recs > 0


def test_run_summary_reports_every_stage(full_run) -> None:
    _, tmp = full_run
    text = summarize(tmp / "warehouse.duckdb")
    for heading in (
        "Warehouse layers",
        "Raw rows set aside by staging",
        "Training rows",
        "Time windows",
        "Similarity",
        "Current model",
        "Ranking evaluation",
        "Monitoring",
        "Top recommendations",
    ):
        assert heading in text, f"summary lacks {heading!r}:\n{text}"
    # The sample's derived windows, as int_ml_time_windows records them.
    assert re.search(r"\n  test +2026-10-21 00:00:00 +7 days +derived\n", text), text
    assert re.search(r"\n  label horizon \(unlabelled\) +2026-10-27 \S+ +24 hours +derived\n", text)


def _raw_copy(seeds: Path, target: Path) -> None:
    target.mkdir()
    for path in seeds.glob("raw_*.csv"):
        shutil.copy(path, target / path.name)


def _raw_copy_with_malformed_timestamps(seeds: Path, target: Path) -> None:
    """Copy the sample, but every event's timestamp is garbage: a broken delivery."""
    _raw_copy(seeds, target)
    with (seeds / "raw_events.csv").open(newline="") as src:
        rows = list(csv.DictReader(src))
    with (target / "raw_events.csv").open("w", newline="") as dst:
        writer = csv.DictWriter(dst, fieldnames=list(rows[0]))
        writer.writeheader()
        for row in rows:
            writer.writerow({**row, "event_ts": "not a timestamp"})


def _make_run(
    tmp: Path, project_root: Path, raw: Path | None, *args: str
) -> subprocess.CompletedProcess[str]:
    """`python -m orchestration.run ARGS` as `make run` calls it, on a private warehouse,
    model folder, Dagster home and log file under `tmp`."""
    home = tmp / "dagster_home"
    home.mkdir(exist_ok=True)
    shutil.copy(project_root / "dagster_home" / "dagster.yaml", home / "dagster.yaml")
    env = {
        **os.environ,
        "DO_NOT_TRACK": "1",
        "DBT_SEND_ANONYMOUS_USAGE_STATS": "false",
        "DBT_PROFILES_DIR": str(project_root),
        "DAGSTER_HOME": str(home),
        "SOCIAL_ML_DB": str(tmp / "warehouse.duckdb"),
        "SOCIAL_ML_MODELS_DIR": str(tmp / "models"),
    }
    env.pop("SOCIAL_ML_RAW_DIR", None)
    # As a user runs it: dbt's target/ in the project (full_run's private one may linger).
    env.pop("DBT_TARGET_PATH", None)
    if raw is not None:
        env["SOCIAL_ML_RAW_DIR"] = str(raw)
    return subprocess.run(
        [sys.executable, "-m", "orchestration.run", "--log-file", str(tmp / "make_run.log"),
         *args],
        cwd=project_root,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )


def _assert_one_plain_failure(
    run: subprocess.CompletedProcess[str], log_file: Path, *messages: str
) -> str:
    """Non-zero exit; each message on the terminal exactly once; no stack trace there,
    while the log file keeps it. Returns the terminal text."""
    terminal = run.stdout + run.stderr
    assert run.returncode != 0, terminal
    for message in messages:
        assert terminal.count(message) == 1, f"{message!r} not exactly once in:\n{terminal}"
    for frame in ("Traceback", "Stack Trace", "dagster._core", 'File "'):
        assert frame not in terminal, f"{frame!r} on the terminal:\n{terminal}"
    assert "Full log: " in terminal
    assert "Stack Trace" in log_file.read_text(), "the log file lost the stack trace"
    return terminal


def _nothing_trained(tmp: Path) -> bool:
    models = tmp / "models"
    return not models.exists() or not any(models.iterdir())


def test_mostly_quarantined_file_stops_the_run_naming_table_and_reason(
    tmp_path: Path, project_root: Path
) -> None:
    raw = tmp_path / "raw"
    _raw_copy_with_malformed_timestamps(project_root / "seeds", raw)
    run = _make_run(tmp_path, project_root, raw)

    # Every delivery but the duplicates (set aside, not quarantined) is malformed.
    terminal = _assert_one_plain_failure(
        run,
        tmp_path / "make_run.log",
        "raw_events: 90223 of 91909 rows (98.2%) were quarantined",
        "malformed_timestamp: 90223 rows, e.g. event_id=",
        "Timestamp encodings read: event_ts=contract, ingested_at=contract",
        "Fix: make the file follow docs/raw_data_contract.md",
    )
    assert "event_ts='not a timestamp'" in terminal
    assert "dbt model stg_social__events_validated" in terminal
    assert "Not run because of it: ml__model_registry" in terminal
    assert _nothing_trained(tmp_path)


def test_failing_error_test_blocks_training_and_names_test_model_and_column(
    tmp_path: Path, project_root: Path
) -> None:
    raw = tmp_path / "raw"
    _raw_copy_with_malformed_timestamps(project_root / "seeds", raw)
    # Let every row through staging's own guard, so the dbt tests meet the bad data.
    run = _make_run(tmp_path, project_root, raw, "--vars", "{max_quarantine_share: 1.0}")

    terminal = _assert_one_plain_failure(
        run,
        tmp_path / "make_run.log",
        "dbt test at_least_one_stg_social__events_event_id failed (error severity)"
        " on model stg_social__events, column event_id.",
        "Rule: at least one row has a non-empty event_id",
        "dbt says: Got 1 result, configured to fail if != 0",
    )
    assert re.search(r"Where to look: the test's SQL lists every failing row: target/\S+"
                     r"/at_least_one_stg_social__events_event_id\.sql", terminal), terminal
    assert "(models/staging/stg_social__events.yml)" in terminal
    assert "Not run because of it: ml__model_registry" in terminal
    assert _nothing_trained(tmp_path)
    # Dagster recorded the test as a failed check on the staging asset, as the UI shows.
    run_id = re.search(r"Dagster run (\S+) ", terminal).group(1)
    with DagsterInstance.from_config(str(tmp_path / "dagster_home")) as instance:
        records = instance.all_logs(run_id, of_type=DagsterEventType.ASSET_CHECK_EVALUATION)
    failed = [
        r.dagster_event.event_specific_data
        for r in records
        if not r.dagster_event.event_specific_data.passed
    ]
    assert [e.asset_key for e in failed] == [AssetKey("stg_social__events")]


def test_header_only_events_file_stops_the_run_naming_the_file(
    tmp_path: Path, project_root: Path
) -> None:
    raw = tmp_path / "raw"
    _raw_copy(project_root / "seeds", raw)
    header = (project_root / "seeds" / "raw_events.csv").open().readline()
    (raw / "raw_events.csv").write_text(header)
    run = _make_run(tmp_path, project_root, raw)

    terminal = _assert_one_plain_failure(
        run,
        tmp_path / "make_run.log",
        f"raw_events has no rows: file {raw}/raw_events.csv holds at most a header line.",
        "Fix: put the events in that file",
    )
    # The guard stops staging before any test meets the empty table.
    assert "at_least_one" not in terminal
    assert _nothing_trained(tmp_path)


def test_failing_ml_step_prints_its_message_once(
    full_run, tmp_path: Path, project_root: Path
) -> None:
    """Training rows whose validation split has one label: training itself refuses."""
    _, built = full_run
    shutil.copy(built / "warehouse.duckdb", tmp_path / "warehouse.duckdb")
    con = duckdb.connect(str(tmp_path / "warehouse.duckdb"))
    try:
        for table in ("feat_training_set", "feat_candidate_training_set"):
            con.execute(f"update marts.{table} set label = 0 where split = 'validation'")
    finally:
        con.close()
    run = _make_run(tmp_path, project_root, None, "--job", "retrain_job")

    terminal = _assert_one_plain_failure(
        run,
        tmp_path / "make_run.log",
        "ValueError: the validation split needs both labels",
    )
    assert "Failed: step ml__model_registry (Train candidate pipelines" in terminal
    assert "Not run because of it: batch_scores, ml__evaluations" in terminal
    assert _nothing_trained(tmp_path)
