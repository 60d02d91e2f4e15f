"""`onestop serve`: what it logs when a signal stops it, and when a signal interrupts it."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

from onestop.portal.management.commands.serve import StopSignal

STARTUP_SECONDS = 60
STOP_SIGNALS = (signal.SIGTERM, signal.SIGINT)


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _serve(tmp_path: Path) -> tuple[subprocess.Popen[str], int]:
    port = _free_port()
    environment = {
        **os.environ,
        "ONESTOP_VAR_DIR": str(tmp_path),
        "ONESTOP_DEPT_SIM": "",
        "DATABASE_URL": "",
    }
    process = subprocess.Popen(  # noqa: S603  (our own command, no shell)
        [
            sys.executable,
            "-m",
            "onestop.cli",
            "serve",
            "--no-worker",
            "--port",
            str(port),
        ],
        env=environment,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    deadline = time.monotonic() + STARTUP_SECONDS
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return process, port
        except OSError:
            if process.poll() is not None:
                break
            time.sleep(0.2)
    process.kill()
    pytest.fail(f"onestop serve did not start: {process.communicate()[0]}")


@pytest.mark.parametrize("stop_signal", [signal.SIGTERM, signal.SIGINT])
def test_stop_signal_is_logged(tmp_path, stop_signal):
    process, port = _serve(tmp_path)
    process.send_signal(stop_signal)
    output, _ = process.communicate(timeout=30)
    assert process.returncode == 0, output
    assert "event='server.stopped'" in output
    assert f"reason='{stop_signal.name}'" in output
    assert f"port={port}" in output


@pytest.fixture
def restored_handlers():
    handlers = {number: signal.getsignal(number) for number in STOP_SIGNALS}
    yield
    for number, handler in handlers.items():
        signal.signal(number, handler)


def _deliver(number: signal.Signals) -> None:
    os.kill(os.getpid(), number)
    # The handler runs between bytecodes of the main thread, so run a few.
    for _ in range(1000):
        time.sleep(0)


@pytest.mark.usefixtures("restored_handlers")
def test_signal_before_arming_only_recorded():
    stop_signal = StopSignal()
    _deliver(signal.SIGTERM)
    assert stop_signal.name == "SIGTERM"
    assert stop_signal.arm() is False


@pytest.mark.usefixtures("restored_handlers")
def test_signal_after_arming_interrupts():
    stop_signal = StopSignal()
    assert stop_signal.arm() is True
    with pytest.raises(KeyboardInterrupt):
        _deliver(signal.SIGINT)
    assert stop_signal.name == "SIGINT"


@pytest.mark.usefixtures("restored_handlers")
def test_second_signal_ignored():
    stop_signal = StopSignal()
    stop_signal.arm()
    with pytest.raises(KeyboardInterrupt):
        _deliver(signal.SIGTERM)
    _deliver(signal.SIGINT)
    assert stop_signal.name == "SIGTERM"
