"""The secret key: generated only for a new embedded database, never for a server's.

A server (DATABASE_URL set) without ONESTOP_SECRET_KEY stops at start with one line that
names the variable, in the operator's language, and writes no var/secret_key.
"""

from __future__ import annotations

import pytest

from onestop.core.tests.test_command_errors import run_python

# Nothing connects to it: each run stops before it opens the database.
SERVER_DATABASE = "postgres://postgres@127.0.0.1:5432/onestop_without_secret_key"
READ_SECRET_KEY = "import onestop.settings as s; print(repr(s.SECRET_KEY))"


def server_environment(var) -> dict[str, str | None]:
    return {
        "DATABASE_URL": SERVER_DATABASE,
        "ONESTOP_SECRET_KEY": None,
        "ONESTOP_HOME": None,
        "ONESTOP_VAR_DIR": str(var),
    }


def test_embedded_mode_generates_key(tmp_path):
    var = tmp_path / "var"
    environment = {**server_environment(var), "DATABASE_URL": ""}

    result = run_python(["-c", READ_SECRET_KEY], cwd=tmp_path, environment=environment)

    assert result.returncode == 0, result.stderr
    key = (var / "secret_key").read_text()
    assert len(key) >= 50
    assert result.stdout.strip() == repr(key)


def test_server_database_gets_no_key(tmp_path):
    var = tmp_path / "var"

    result = run_python(
        ["-c", READ_SECRET_KEY], cwd=tmp_path, environment=server_environment(var)
    )

    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "''"
    assert not (var / "secret_key").exists()


def test_server_keeps_existing_key_file(tmp_path):
    var = tmp_path / "var"
    var.mkdir()
    (var / "secret_key").write_text("an-earlier-key-of-this-server-database\n")

    result = run_python(
        ["-c", READ_SECRET_KEY], cwd=tmp_path, environment=server_environment(var)
    )

    assert result.stdout.strip() == repr("an-earlier-key-of-this-server-database")


@pytest.mark.parametrize(
    ("language", "expected"),
    [
        ("en_US.UTF-8", "Set ONESTOP_SECRET_KEY to the key this database was created"),
        ("zh_CN.UTF-8", "请将 ONESTOP_SECRET_KEY 设为"),
    ],
)
@pytest.mark.parametrize(
    "command",
    [
        ["serve", "--no-worker", "--port", "1"],
        ["worker"],
        ["shell", "-c", "from django.conf import settings; settings.SECRET_KEY"],
    ],
    ids=["serve", "worker", "django-shell"],
)
def test_server_without_key_stops_with_one_line(tmp_path, command, language, expected):
    var = tmp_path / "var"
    environment = {
        **server_environment(var),
        "LANG": language,
        "LANGUAGE": None,
        "LC_ALL": None,
        "LC_MESSAGES": None,
    }

    result = run_python(
        ["-m", "onestop.cli", *command], cwd=tmp_path, environment=environment
    )

    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    assert result.stderr.startswith("signing.secret_key_missing: ")
    assert expected in result.stderr
    assert len(result.stderr.splitlines()) == 1
    assert not (var / "secret_key").exists()


def test_wsgi_application_refuses_to_load(tmp_path):
    var = tmp_path / "var"
    environment = {**server_environment(var), "LANG": "en_US.UTF-8", "LANGUAGE": None}

    result = run_python(
        ["-c", "import onestop.wsgi"], cwd=tmp_path, environment=environment
    )

    assert result.returncode == 1
    last_line = result.stderr.strip().splitlines()[-1]
    assert last_line.startswith(
        "django.core.exceptions.ImproperlyConfigured: signing.secret_key_missing: "
    )
    assert "Set ONESTOP_SECRET_KEY" in last_line
