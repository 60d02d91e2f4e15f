"""The progress bar of long commands: drawn on a terminal's standard error only."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from onestop.catalog.packs import STANDARD_PACK_DIR
from onestop.catalog.packs.validate import check_pack
from onestop.core.progress import progress_bar

# Variables with which rich treats any output as a terminal.
TERMINAL_VARIABLES = ("FORCE_COLOR", "TTY_COMPATIBLE")


def assert_rises_to_total(reports: list[tuple[int, int]]) -> None:
    """Check progress reports: more than one, counts never falling, the last complete."""
    done = [count for count, _total in reports]
    assert len(reports) > 1, reports
    assert done == sorted(done), reports
    assert all(count <= total for count, total in reports), reports
    assert reports[-1][0] == reports[-1][1], reports


@pytest.fixture
def not_terminal(monkeypatch):
    for name in TERMINAL_VARIABLES:
        monkeypatch.delenv(name, raising=False)


def test_bar_silent_when_not_terminal(not_terminal, capsys):
    reports = []

    with progress_bar("检查") as progress:
        for done in range(1, 4):
            progress(done, 3)
            reports.append((done, 3))

    captured = capsys.readouterr()
    assert captured.out == ""
    assert captured.err == ""
    assert_rises_to_total(reports)


def test_bar_drawn_on_terminal_stderr(monkeypatch, capsys):
    monkeypatch.setenv("TTY_COMPATIBLE", "1")

    with progress_bar("检查 standard") as progress:
        progress(1, 3)
        progress(3, 3)

    captured = capsys.readouterr()
    assert captured.out == ""
    assert "检查 standard" in captured.err
    assert "3/3" in captured.err


def test_check_pack_reports_each_file():
    reports: list[tuple[int, int]] = []

    check_pack(STANDARD_PACK_DIR, lambda done, total: reports.append((done, total)))

    files = 3 + len(list((STANDARD_PACK_DIR / "matters").glob("*.yaml")))
    assert reports[0] == (0, files)
    assert reports[-1] == (files, files)
    assert len(reports) == files + 1
    assert_rises_to_total(reports)


def test_piped_command_prints_result_only(tmp_path):
    out = tmp_path / "清单.xlsx"
    env = {**os.environ, "LANG": "en_US.UTF-8", "DATABASE_URL": ""}
    env["ONESTOP_VAR_DIR"] = str(tmp_path / "var")
    for name in TERMINAL_VARIABLES:
        env.pop(name, None)

    result = subprocess.run(  # noqa: S603  (fixed interpreter and arguments)
        [
            sys.executable,
            "-m",
            "onestop.cli",
            "pack_xlsx",
            "export",
            str(STANDARD_PACK_DIR),
            "--out",
            str(out),
        ],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )

    # Standard error carries the log lines, and no bar.
    assert result.returncode == 0, result.stderr
    assert "Reading" not in result.stderr
    assert "\x1b" not in result.stderr
    assert all(line.startswith("timestamp=") for line in result.stderr.splitlines()), (
        result.stderr
    )
    assert result.stdout == f"Wrote 43 matters to {out}.\n"
