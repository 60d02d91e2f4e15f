"""Real processes for reliability tests and the benchmark, all on 127.0.0.1.

`Deployment` runs `onestop serve`, `onestop worker` and `onestop dept-sim` as
subprocesses against one file-based SQLite database in a temporary directory, stops
each by its PID, and bounds every wait. It imports no Django models, so a benchmark
can use it without settings.
"""

from __future__ import annotations

import base64
import json
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

SRC_DIR = Path(__file__).resolve().parents[2]


def free_port() -> int:
    """Return a TCP port on 127.0.0.1 that was free a moment ago."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Deployment:
    """OneStop processes sharing one SQLite database under `directory`."""

    def __init__(self, directory: Path) -> None:
        self.directory = directory
        self.serve_port = free_port()
        self.sim_port = free_port()
        seed = Ed25519PrivateKey.generate().private_bytes_raw()
        self.seed = base64.urlsafe_b64encode(seed).rstrip(b"=").decode()
        self.processes: dict[str, subprocess.Popen[bytes]] = {}
        self.env = {
            **os.environ,
            "PYTHONPATH": str(SRC_DIR),
            "DJANGO_SETTINGS_MODULE": "onestop.settings",
            "DATABASE_URL": f"sqlite:///{directory / 'onestop.sqlite3'}",
            "ONESTOP_VAR_DIR": str(directory),
            "ONESTOP_SECRET_KEY": "exchange-harness-" + self.seed,
            "ONESTOP_PUBLIC_URL": self.onestop_url,
            "ONESTOP_LOG_LEVEL": "WARNING",
        }

    @property
    def onestop_url(self) -> str:
        return f"http://127.0.0.1:{self.serve_port}"

    @property
    def sim_url(self) -> str:
        return f"http://127.0.0.1:{self.sim_port}"

    def run(self, *args: str, timeout: float = 120) -> str:
        """Run `python -m <args>` to completion and return its standard output."""
        result = subprocess.run(  # noqa: S603  (fixed interpreter and arguments)
            [sys.executable, "-m", *args],
            env=self.env,
            capture_output=True,
            timeout=timeout,
            check=False,
        )
        if result.returncode != 0:
            raise RuntimeError(f"{args} failed: {result.stderr.decode()[-2000:]}")
        return result.stdout.decode()

    def set_up(self) -> None:
        """Create the database with a centre whose market department is the simulator."""
        self.run(
            "onestop.exchange.scenario",
            "setup",
            f"--endpoint={self.sim_url}/envelopes",
            f"--seed={self.seed}",
        )

    def accept_cases(self, count: int, batch: str) -> None:
        """Accept `count` cases, each queuing one department dispatch."""
        self.run(
            "onestop.exchange.scenario",
            "cases",
            f"--count={count}",
            f"--batch={batch}",
            timeout=max(120, count * 0.5),
        )

    def start(self, name: str, *command: str) -> subprocess.Popen[bytes]:
        """Start `onestop <command>` in the background under `name`."""
        log = (self.directory / f"{name}.log").open("wb")
        process = subprocess.Popen(  # noqa: S603  (fixed interpreter and arguments)
            [sys.executable, "-m", "onestop.cli", *command],
            env=self.env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        self.processes[name] = process
        return process

    def start_server(self) -> None:
        self.start("serve", "serve", "--no-worker", f"--port={self.serve_port}")
        wait_until(lambda: _answers(f"{self.onestop_url}/healthz"), timeout=30)

    def start_simulator(self, *options: str) -> None:
        self.start(
            "dept-sim",
            "dept-sim",
            f"--port={self.sim_port}",
            f"--onestop-url={self.onestop_url}",
            f"--ed25519-seed={self.seed}",
            *options,
        )
        wait_until(lambda: _answers(f"{self.sim_url}/stats"), timeout=30)

    def start_workers(self, name: str, workers: int) -> subprocess.Popen[bytes]:
        return self.start(name, "worker", f"--workers={workers}", "--poll=0.1")

    def kill(self, name: str) -> None:
        """Kill one process with SIGKILL, as a crash would, and reap it."""
        process = self.processes.pop(name)
        process.send_signal(signal.SIGKILL)
        process.wait(timeout=10)

    def stop_all(self, keep: tuple[str, ...] = ()) -> None:
        """Stop every started process but those named in `keep`: SIGTERM, then SIGKILL
        after 5 seconds."""
        for name in [name for name in self.processes if name not in keep]:
            process = self.processes.pop(name)
            process.terminate()
            try:
                process.wait(timeout=5)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait(timeout=5)

    def report(self, batch: str) -> dict[str, Any]:
        return json.loads(
            self.run("onestop.exchange.scenario", "report", f"--batch={batch}")
        )

    def finished(self, batch: str) -> int:
        """Return how many cases of a batch have their result issued."""
        rows = self.sql(
            "SELECT COUNT(*) FROM cases_case WHERE state = 'result_issued' "
            "AND idempotency_key LIKE ?",
            f"{batch}-%",
        )
        return rows[0][0]

    def simulator_stats(self) -> dict[str, int]:
        return httpx.get(f"{self.sim_url}/stats", timeout=5).json()

    def sql(self, query: str, *parameters: Any) -> list[tuple[Any, ...]]:
        """Run one SQL statement on the scenario database and return its rows."""
        import sqlite3

        connection = sqlite3.connect(self.directory / "onestop.sqlite3", timeout=20)
        try:
            with connection:
                return connection.execute(query, parameters).fetchall()
        finally:
            connection.close()


def _answers(url: str) -> bool:
    try:
        return httpx.get(url, timeout=1).status_code < 500
    except httpx.HTTPError:
        return False


def wait_until(
    condition: Callable[[], Any], *, timeout: float, every: float = 0.2
) -> Any:
    """Poll `condition` until it returns a true value; raise TimeoutError after `timeout` s."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(every)
    raise TimeoutError(f"condition not met within {timeout} s")
