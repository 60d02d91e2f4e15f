"""Commands run as the operator runs them: no traceback, the operator's language."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
from pathlib import Path

import pytest

from onestop import settings as onestop_settings
from onestop.catalog.packs import STANDARD_PACK_DIR
from onestop.certificates.identifiers import compute_check

ISSUER = "11440604007000014Q"
TYPE_CODE = "11100000PACK00006A001"
SERIAL = "202612050001"


def identifier(check: str | None = None) -> str:
    check = check or compute_check(TYPE_CODE, ISSUER, SERIAL, 1)
    return f"1.2.156.3005.2.{TYPE_CODE}.{ISSUER}.{SERIAL}.001.{check}"


def run_python(
    arguments: list[str], *, cwd: Path, environment: dict[str, str | None]
) -> subprocess.CompletedProcess[str]:
    """Run this interpreter with `arguments` in `cwd`, under os.environ changed by
    `environment`, where a value None removes the variable.
    """
    env = dict(os.environ)
    for key, value in environment.items():
        if value is None:
            env.pop(key, None)
        else:
            env[key] = value
    return subprocess.run(  # noqa: S603  (our own interpreter, no shell)
        [sys.executable, *arguments],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def run_onestop(
    *arguments: str, cwd: Path, language: str, **environment: str
) -> subprocess.CompletedProcess[str]:
    """Run `onestop ARGUMENTS` in `cwd` under the locale `language`."""
    unset = dict.fromkeys(("LANGUAGE", "LC_ALL", "LC_MESSAGES", "ONESTOP_HOME"))
    return run_python(
        ["-m", "onestop.cli", *arguments],
        cwd=cwd,
        environment={**unset, "LANG": language, "DATABASE_URL": "", **environment},
    )


@pytest.mark.parametrize(
    ("language", "expected"),
    [
        ("en_US.UTF-8", "has the check character D, but its other parts give"),
        ("zh_CN.UTF-8", "的校验位为 D"),
    ],
)
def test_export_bad_check_character(tmp_path, language, expected):
    result = run_onestop(
        "certificates",
        "export",
        identifier("D"),
        "--output",
        str(tmp_path / "x.json"),
        cwd=tmp_path,
        language=language,
        ONESTOP_VAR_DIR=str(tmp_path / "var"),
    )

    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    assert "certificate_id.check: " in result.stderr
    assert expected in result.stderr


@pytest.mark.parametrize(
    ("language", "expected"),
    [
        ("en_US.UTF-8", "migrations not applied"),
        ("zh_CN.UTF-8", "个迁移未执行"),
    ],
)
def test_unmigrated_database_named(tmp_path, language, expected):
    var = tmp_path / "var"
    result = run_onestop(
        "certificates",
        "export",
        identifier(),
        cwd=tmp_path,
        language=language,
        ONESTOP_VAR_DIR=str(var),
    )

    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    assert "database.not_migrated: " in result.stderr
    assert str(var / "onestop.sqlite3") in result.stderr
    assert "onestop migrate" in result.stderr
    assert expected in result.stderr


def test_var_dir_independent_of_cwd(tmp_path):
    result = run_python(
        ["-c", "import onestop.settings as s; print(s.VAR_DIR)"],
        cwd=tmp_path,
        environment={
            "ONESTOP_HOME": None,
            "ONESTOP_VAR_DIR": None,
            "ONESTOP_SECRET_KEY": "test-secret-key-not-used-for-anything",
        },
    )

    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == str(onestop_settings.CHECKOUT_DIR / "var")
    assert not (tmp_path / "var").exists()


def test_error_printed_without_class_name(tmp_path):
    result = run_onestop(
        "certificates",
        "export",
        identifier("D"),
        cwd=tmp_path,
        language="en_US.UTF-8",
        ONESTOP_VAR_DIR=str(tmp_path / "var"),
    )

    assert result.returncode == 1
    assert result.stderr.startswith("certificate_id.check: ")
    assert "CommandError" not in result.stderr


def test_pack_control_character_names_line(tmp_path):
    pack = tmp_path / "pack"
    shutil.copytree(STANDARD_PACK_DIR, pack)
    matter = pack / "matters" / "food-business-licence.yaml"
    lines = matter.read_text(encoding="utf-8").splitlines(keepends=True)
    lines[1] = "\x1b" + lines[1]
    matter.write_text("".join(lines), encoding="utf-8")

    result = run_onestop(
        "pack",
        "validate",
        str(pack),
        cwd=tmp_path,
        language="en_US.UTF-8",
        ONESTOP_VAR_DIR=str(tmp_path / "var"),
    )

    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    assert "matters/food-business-licence.yaml:2:1: The file is not valid YAML" in (
        result.stdout
    )
    assert "the character U+001B is not allowed in YAML" in result.stdout
    assert result.stderr.startswith(f"{pack} has 1 error.")


@pytest.mark.parametrize("port", ["70000", "0", "-1"])
def test_serve_port_out_of_range(tmp_path, port):
    result = run_onestop(
        "serve",
        "--no-worker",
        "--port",
        port,
        cwd=tmp_path,
        language="en_US.UTF-8",
        ONESTOP_VAR_DIR=str(tmp_path / "var"),
        ONESTOP_DEPT_SIM="",
    )

    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    assert result.stderr == (
        f"port.invalid: The port {port} (--port) is not a TCP port. Give a whole "
        "number from 1 to 65535.\n"
    )


@pytest.mark.parametrize(
    ("language", "expected"),
    [
        ("en_US.UTF-8", "because another program already uses the port"),
        ("zh_CN.UTF-8", "已被其他程序占用"),
    ],
)
def test_serve_busy_port(tmp_path, language, expected):
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        result = run_onestop(
            "serve",
            "--no-worker",
            "--port",
            str(port),
            cwd=tmp_path,
            language=language,
            ONESTOP_VAR_DIR=str(tmp_path / "var"),
            ONESTOP_DEPT_SIM="",
        )

    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    assert result.stderr.startswith("port.unavailable: ")
    assert f"127.0.0.1:{port}" in result.stderr
    assert expected in result.stderr
    assert len(result.stderr.splitlines()) == 1


def test_ledger_verify_of_restored_backup_writes_no_secret_key(tmp_path):
    var = tmp_path / "var"
    migrated = run_onestop(
        "migrate", cwd=tmp_path, language="en_US.UTF-8", ONESTOP_VAR_DIR=str(var)
    )
    assert migrated.returncode == 0, migrated.stderr
    # A backup restored without its secret key: the database, and no var/secret_key.
    (var / "secret_key").unlink()

    result = run_onestop(
        "ledger",
        "verify",
        cwd=tmp_path,
        language="en_US.UTF-8",
        ONESTOP_VAR_DIR=str(var),
    )

    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("tree size 0: checked 0 entries")
    assert not (var / "secret_key").exists()


def test_invalid_variable_printed_without_traceback(tmp_path):
    result = run_onestop(
        "worker",
        cwd=tmp_path,
        language="en_US.UTF-8",
        ONESTOP_VAR_DIR=str(tmp_path / "var"),
        ONESTOP_MAX_UPLOAD_BYTES="abc",
    )

    assert result.returncode == 1
    assert result.stderr == (
        'The environment variable ONESTOP_MAX_UPLOAD_BYTES is "abc", but it must be '
        "a whole number of at least 1. Correct or unset it, and start again.\n"
    )
