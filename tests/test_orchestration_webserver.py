"""A real Dagster webserver: start it on a free loopback port, read the asset graph
through GraphQL, launch a small materialisation through the API, wait for it to
succeed, then stop the server by its own process group with nothing left running."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

WEBSERVER = Path(sys.executable).parent / "dagster-webserver"
STARTUP_SECONDS = 180
RUN_SECONDS = 300

ASSET_NODES = "{ assetNodes { assetKey { path } } }"
LOCATIONS = """{ repositoriesOrError { ... on RepositoryConnection {
  nodes { name location { name } } } } }"""
LAUNCH = """mutation Launch($params: ExecutionParams!) {
  launchRun(executionParams: $params) {
    __typename
    ... on LaunchRunSuccess { run { runId } }
    ... on PythonError { message }
    ... on InvalidSubsetError { message }
    ... on RunConfigValidationInvalid { errors { message } }
  } }"""
RUN_ERRORS = """query Logs($runId: ID!) { logsForRun(runId: $runId) {
  ... on EventConnection { events { __typename
    ... on ExecutionStepFailureEvent { error { message } }
    ... on RunFailureEvent { message } } } } }"""
RUN_STATUS = """query Status($runId: ID!) { runOrError(runId: $runId) {
  __typename ... on Run { status } } }"""


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _graphql(port: int, query: str, variables: dict | None = None) -> dict:
    body = json.dumps({"query": query, "variables": variables or {}}).encode()
    request = urllib.request.Request(
        f"http://127.0.0.1:{port}/graphql",
        data=body,
        headers={"Content-Type": "application/json"},
    )
    with urllib.request.urlopen(request, timeout=30) as response:
        payload = json.loads(response.read())
    assert "errors" not in payload, payload
    return payload["data"]


def _processes_in_session(session_id: int) -> list[int]:
    """PIDs whose session is `session_id` (field 6 of /proc/PID/stat)."""
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[3]) == session_id:
            found.append(int(stat.parent.name))
    return found


@pytest.fixture
def webserver(tmp_path: Path, project_root: Path) -> Iterator[int]:
    home = tmp_path / "dagster_home"
    home.mkdir()
    # The default run coordinator launches at once, so no daemon is needed here.
    (home / "dagster.yaml").write_text(
        "telemetry:\n  enabled: false\n"
        "run_coordinator:\n  module: dagster._core.run_coordinator\n"
        "  class: DefaultRunCoordinator\n"
    )
    env = dict(os.environ)
    env.update(
        DAGSTER_HOME=str(home),
        SOCIAL_ML_DB=str(tmp_path / "warehouse.duckdb"),
        SOCIAL_ML_MODELS_DIR=str(tmp_path / "models"),
        DO_NOT_TRACK="1",
        DBT_PROFILES_DIR=str(project_root),
    )
    port = _free_port()
    log = (tmp_path / "webserver.log").open("w")
    # Its own session and process group: the whole tree can be stopped by the
    # server's PID, whatever the server does with SIGINT/SIGTERM itself.
    server = subprocess.Popen(
        [str(WEBSERVER), "--host", "127.0.0.1", "--port", str(port)],
        cwd=project_root,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    try:
        deadline = time.monotonic() + STARTUP_SECONDS
        while True:
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{port}/server_info", timeout=5)
                break
            except (urllib.error.URLError, ConnectionError):
                if server.poll() is not None or time.monotonic() > deadline:
                    log.flush()
                    pytest.fail(
                        "webserver did not start:\n" + (tmp_path / "webserver.log").read_text()
                    )
                time.sleep(1)
        yield port
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)
            server.wait(timeout=30)
        deadline = time.monotonic() + 30
        while _processes_in_session(server.pid) and time.monotonic() < deadline:
            time.sleep(0.5)
        leftovers = _processes_in_session(server.pid)
        if leftovers:
            os.killpg(server.pid, signal.SIGKILL)
        log.close()
        assert not leftovers, f"processes left running after stop: {leftovers}"


def test_webserver_serves_graph_and_materialises_a_selection(webserver: int) -> None:
    port = webserver
    nodes = _graphql(port, ASSET_NODES)["assetNodes"]
    keys = {"/".join(node["assetKey"]["path"]) for node in nodes}
    assert {"raw_events", "stg_social__events", "feat_training_set", "ml/model_registry"} <= keys

    repository = _graphql(port, LOCATIONS)["repositoriesOrError"]["nodes"][0]
    params = {
        "selector": {
            "repositoryLocationName": repository["location"]["name"],
            "repositoryName": repository["name"],
            "jobName": "__ASSET_JOB",
            "assetSelection": [{"path": ["raw_users"]}],
            "assetCheckSelection": [],
        },
        "runConfigData": {},
    }
    launched = _graphql(port, LAUNCH, {"params": params})["launchRun"]
    assert launched["__typename"] == "LaunchRunSuccess", launched
    run_id = launched["run"]["runId"]

    deadline = time.monotonic() + RUN_SECONDS
    status = None
    while time.monotonic() < deadline:
        status = _graphql(port, RUN_STATUS, {"runId": run_id})["runOrError"]["status"]
        if status in ("SUCCESS", "FAILURE", "CANCELED"):
            break
        time.sleep(2)
    if status != "SUCCESS":
        events = _graphql(port, RUN_ERRORS, {"runId": run_id})["logsForRun"]["events"]
        errors = [e.get("error") or e.get("message") for e in events if len(e) > 1]
        pytest.fail(f"run {run_id} ended {status}: {errors}")
