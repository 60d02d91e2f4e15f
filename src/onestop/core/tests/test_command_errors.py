"""Commands run as the operator runs them: no traceback, the operator's language."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from onestop import settings as onestop_settings
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
