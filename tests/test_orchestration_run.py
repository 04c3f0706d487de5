"""The whole asset graph materialises in-process against a temporary warehouse with
every check passing, and a failing error-severity dbt test stops training."""

from __future__ import annotations

import csv
import re
import shutil
from collections.abc import Iterator
from pathlib import Path

import duckdb
import pytest
from dagster import AssetKey, DagsterInstance, ExecuteInProcessResult

from orchestration.definitions import build_definitions
from orchestration.run import run_config_for
from orchestration.summary import summarize

MODEL_KEY = AssetKey(["ml", "model_registry"])


def _run_full_graph(
    tmp: Path, monkeypatch: pytest.MonkeyPatch, dbt_vars: str = ""
) -> ExecuteInProcessResult:
    monkeypatch.setenv("SOCIAL_ML_DB", str(tmp / "warehouse.duckdb"))
    monkeypatch.setenv("SOCIAL_ML_MODELS_DIR", str(tmp / "models"))
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
        "Training set",
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


def _raw_copy_with_malformed_timestamps(seeds: Path, target: Path) -> None:
    """Copy the sample, but every event's timestamp is garbage: a broken delivery."""
    target.mkdir()
    for path in seeds.glob("raw_*.csv"):
        shutil.copy(path, target / path.name)
    with (seeds / "raw_events.csv").open(newline="") as src:
        rows = list(csv.DictReader(src))
    with (target / "raw_events.csv").open("w", newline="") as dst:
        writer = csv.DictWriter(dst, fieldnames=list(rows[0]))
        writer.writeheader()
        for row in rows:
            writer.writerow({**row, "event_ts": "not a timestamp"})


def test_failing_error_test_blocks_training(
    tmp_path: Path, project_root: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    raw = tmp_path / "raw"
    _raw_copy_with_malformed_timestamps(project_root / "seeds", raw)
    monkeypatch.setenv("SOCIAL_ML_RAW_DIR", str(raw))
    # Let every row through staging's own guard, so the dbt tests meet the bad data.
    result = _run_full_graph(tmp_path, monkeypatch, "{max_quarantine_share: 1.0}")

    assert not result.success
    failed_checks = [e for e in _check_evaluations(result) if not e.passed]
    assert any(e.asset_key == AssetKey("stg_social__events") for e in failed_checks)
    materialised = {
        e.event_specific_data.materialization.asset_key
        for e in result.get_asset_materialization_events()
    }
    assert MODEL_KEY not in materialised
    assert not (tmp_path / "models").exists() or not any((tmp_path / "models").iterdir())


def test_mostly_quarantined_file_stops_the_run_naming_table_and_reason(
    tmp_path: Path, project_root: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    raw = tmp_path / "raw"
    _raw_copy_with_malformed_timestamps(project_root / "seeds", raw)
    monkeypatch.setenv("SOCIAL_ML_RAW_DIR", str(raw))
    result = _run_full_graph(tmp_path, monkeypatch)

    assert not result.success
    failures = [e for e in result.all_events if e.is_step_failure]
    message = " ".join(e.event_specific_data.error.to_string() for e in failures)
    # Every delivery but the duplicates (set aside, not quarantined) is malformed.
    assert "raw_events: 90223 of 91909 rows (98.2%) were quarantined" in message
    assert "malformed_timestamp: 90223 rows, e.g. event_id=" in message
    assert "event_ts='not a timestamp'" in message
    assert "Timestamp encodings read: event_ts=contract, ingested_at=contract" in message
    assert not result.get_asset_materialization_events() or all(
        e.event_specific_data.materialization.asset_key != AssetKey(["ml", "model_registry"])
        for e in result.get_asset_materialization_events()
    )
