"""A command whose output pipe closes early, as in `onestop staff list | head`, ends
quietly with the status of a command killed by SIGPIPE."""

from __future__ import annotations

import os
import signal
import subprocess
import sys

import pytest


@pytest.mark.parametrize("unbuffered", ["", "1"], ids=["buffered", "unbuffered"])
def test_closed_pipe_ends_quietly(tmp_path, unbuffered):
    read_end, write_end = os.pipe()
    # With the read end closed first, every write of the command fails with EPIPE. An
    # unbuffered stdout fails inside the command, a buffered one at the last flush.
    os.close(read_end)
    env = {**os.environ, "LANG": "en_US.UTF-8", "DATABASE_URL": ""}
    env.update(ONESTOP_VAR_DIR=str(tmp_path / "var"), PYTHONUNBUFFERED=unbuffered)
    try:
        result = subprocess.run(
            [sys.executable, "-m", "onestop.cli", "help"],
            cwd=tmp_path,
            env=env,
            stdout=write_end,
            stderr=subprocess.PIPE,
            text=True,
            timeout=120,
            check=False,
        )
    finally:
        os.close(write_end)

    assert result.stderr == ""
    assert result.returncode == 128 + signal.SIGPIPE
