"""`python -m serving serve` as a child process, started and stopped by its own process
group: what the tests and the serving bench run against (never a mocked client)."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path

from ml.config import PROJECT_ROOT


@dataclass(frozen=True)
class ServerProcess:
    url: str
    process: subprocess.Popen[bytes]
    log: Path

    @property
    def pid(self) -> int:
        return self.process.pid


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def start_server(
    serving_dir: Path,
    log: Path,
    env: dict[str, str] | None = None,
    poll_seconds: float = 0.2,
    wait_for: str = "/healthz",
    timeout: float = 120,
) -> ServerProcess:
    """Start the server on a free port of 127.0.0.1, in its own process group, and
    return once `wait_for` answers 200 (raises with the server's log otherwise)."""
    port = free_port()
    with log.open("wb") as out:
        process = subprocess.Popen(
            [sys.executable, "-m", "serving", "--serving-dir", str(serving_dir), "serve",
             "--port", str(port), "--poll-seconds", str(poll_seconds)],
            cwd=PROJECT_ROOT, env=env, stdout=out, stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    server = ServerProcess(f"http://127.0.0.1:{port}", process, log)
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"the server exited ({process.returncode}):\n{log.read_text()}")
        try:
            with urllib.request.urlopen(server.url + wait_for, timeout=10) as response:
                if response.status == 200:
                    return server
        except (urllib.error.URLError, OSError):
            pass
        time.sleep(0.2)
    stop_server(server)
    raise RuntimeError(f"the server did not answer {wait_for} in {timeout} s:\n{log.read_text()}")


def stop_server(server: ServerProcess) -> None:
    """SIGTERM to the server's process group, SIGKILL if it has not exited in 30 s."""
    if server.process.poll() is None:
        os.killpg(server.process.pid, signal.SIGTERM)
        try:
            server.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(server.process.pid, signal.SIGKILL)
            server.process.wait()
