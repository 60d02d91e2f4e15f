"""Commands that only read write nothing: no var/ folder, secret key or database."""

from __future__ import annotations

import pytest

from onestop.cli import is_read_only
from onestop.core.tests.test_command_errors import run_onestop


def run_without_var(tmp_path, *command: str):
    """Run `onestop COMMAND` in English with a var/ folder that does not exist yet."""
    return run_onestop(
        *command,
        cwd=tmp_path,
        language="en_US.UTF-8",
        ONESTOP_VAR_DIR=str(tmp_path / "var"),
        ONESTOP_SECRET_KEY="",
    )


@pytest.mark.parametrize(
    "command",
    [
        ["ledger", "verify"],
        ["centres"],
        ["staff", "list"],
        ["calendar", "missing"],
    ],
    ids=["ledger-verify", "centres", "staff-list", "calendar-missing"],
)
def test_read_only_command_writes_nothing(tmp_path, command):
    var = tmp_path / "var"

    result = run_without_var(tmp_path, *command)

    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    assert result.stderr.startswith("database.not_migrated: ")
    assert f"The database {var / 'onestop.sqlite3'} has " in result.stderr
    assert not var.exists()


def test_bundle_check_writes_nothing(tmp_path):
    var = tmp_path / "var"
    bundle = tmp_path / "entry.tlog-proof"
    bundle.write_text("not a bundle\n")

    result = run_without_var(tmp_path, "ledger", "verify-bundle", str(bundle))

    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    assert result.stderr.startswith("database.not_migrated: ")
    assert not var.exists()


def test_pack_validate_writes_nothing(tmp_path):
    result = run_without_var(tmp_path, "pack", "validate", str(tmp_path / "no-pack"))

    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    assert not (tmp_path / "var").exists()


def test_help_writes_nothing(tmp_path):
    var = tmp_path / "var"

    result = run_without_var(tmp_path, "ledger", "--help")

    assert result.returncode == 0, result.stderr
    assert "verify-bundle" in result.stdout
    assert not var.exists()


def test_migrate_still_creates_var(tmp_path):
    var = tmp_path / "var"

    result = run_without_var(tmp_path, "migrate", "--plan")

    assert result.returncode == 0, result.stderr
    assert (var / "secret_key").is_file()
    assert (var / "onestop.sqlite3").is_file()
    assert (var / "static").is_dir()


@pytest.mark.parametrize(
    ("arguments", "expected"),
    [
        (["ledger", "verify"], True),
        (["ledger", "verify-bundle", "entry.tlog-proof", "--vkey", "key"], True),
        (["pack", "validate", "pack.zip"], True),
        (["certificates", "verify", "certificate.json", "--offline"], True),
        (["credit", "verify-report", "report.json", "--vkey", "key"], True),
        (["migrate", "--help"], True),
        ([], True),
        (["ledger", "integrate"], False),
        (["ledger", "vkey"], False),
        (["certificates", "export", "1.2.156"], False),
        (["migrate"], False),
        (["serve"], False),
        (["staff", "grant", "--user", "clerk", "--role", "clerk"], False),
    ],
)
def test_read_only_commands_listed(arguments, expected):
    assert is_read_only(arguments) is expected
