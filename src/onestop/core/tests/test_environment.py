"""Settings read from environment variables: each invalid value stops the start."""

from __future__ import annotations

import importlib
import re
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured

import onestop.settings
from onestop import environment


@pytest.fixture(autouse=True)
def reload_settings_after(monkeypatch):
    """Load the settings module again with the original environment after a test.

    A test reloads it under a changed environment, and a failed reload leaves the
    module half loaded. Django's settings object keeps its values either way.
    """
    yield
    monkeypatch.undo()
    importlib.reload(onestop.settings)


@pytest.fixture
def english(monkeypatch):
    for name in ("LANGUAGE", "LC_ALL", "LC_MESSAGES"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("LANG", "en_US.UTF-8")


@pytest.mark.parametrize(
    ("name", "value", "rule"),
    [
        ("ONESTOP_MAX_UPLOAD_BYTES", "abc", "a whole number of at least 1"),
        ("ONESTOP_MAX_UPLOAD_BYTES", "-5", "a whole number of at least 1"),
        ("ONESTOP_MAX_REQUEST_BYTES", "100", "a whole number of at least 10485760"),
        ("ONESTOP_SIGN_IN_FAILURES_PER_ADDRESS", "0", "a whole number of at least 1"),
        (
            "ONESTOP_REGISTRATION_CONFLICTS_PER_ADDRESS",
            "-1",
            "a whole number of at least 1",
        ),
        ("ONESTOP_KIOSK_IDLE_SECONDS", "0", "a whole number of at least 1"),
        ("ONESTOP_HELD_UPLOAD_SECONDS", "1 day", "a whole number of at least 1"),
        ("ONESTOP_LOG_LEVEL", "LOUD", "one of DEBUG, INFO, WARNING, ERROR, CRITICAL"),
        ("ONESTOP_RUN_WORKER_IN_PROCESS", "maybe", "1 (on) or 0 (off)"),
        ("ONESTOP_PAD_COOKIE_SECURE", "yes", "1 (on) or 0 (off)"),
        ("ONESTOP_DEBUG", "true", "1 (on) or 0 (off)"),
        ("ONESTOP_DEPT_SIM", "on", "1 (on) or 0 (off)"),
        ("PORT", "eighty", "a TCP port, a whole number from 1 to 65535"),
        (
            "ONESTOP_DEPT_SIM_PORT",
            "70000",
            "a TCP port, a whole number from 1 to 65535",
        ),
        (
            "ONESTOP_PUBLIC_URL",
            "127.0.0.1:8000",
            "an absolute URL that starts with http://, https:// and names a host",
        ),
        (
            "ONESTOP_CSRF_ORIGINS",
            "example.org",
            "an absolute URL that starts with http://, https:// and names a host",
        ),
        (
            "ONESTOP_AMQP_URL",
            "rabbit:5672",
            "an absolute URL that starts with amqp://, amqps:// and names a host",
        ),
        (
            "ONESTOP_CLIENT_IP_HEADER",
            "X-Real-IP",
            "a request.META key in capitals and underscores, such as HTTP_X_REAL_IP",
        ),
        (
            "DATABASE_URL",
            "postgress://db/onestop",
            "a database URL such as postgres://user@host:5432/name",
        ),
    ],
)
def test_invalid_variable_stops_settings(monkeypatch, english, name, value, rule):
    monkeypatch.setenv(name, value)

    with pytest.raises(ImproperlyConfigured) as raised:
        importlib.reload(onestop.settings)

    assert str(raised.value) == (
        f'The environment variable {name} is "{value}", but it must be {rule}. '
        "Correct or unset it, and start again."
    )


def test_valid_variables_read(monkeypatch, english):
    monkeypatch.setenv("ONESTOP_MAX_UPLOAD_BYTES", "2048")
    monkeypatch.setenv("ONESTOP_LOG_LEVEL", "warning")
    monkeypatch.setenv("ONESTOP_RUN_WORKER_IN_PROCESS", "0")
    monkeypatch.setenv("ONESTOP_DEPT_SIM_PORT", "9701")
    monkeypatch.setenv("ONESTOP_CSRF_ORIGINS", "https://a.example, https://b.example")

    module = importlib.reload(onestop.settings)

    assert module.ONESTOP_MAX_UPLOAD_BYTES == 2048
    assert module.ONESTOP_MAX_REQUEST_BYTES == 20 * 2048
    assert module.LOGGING["root"]["level"] == "WARNING"
    assert module.ONESTOP_RUN_WORKER_IN_PROCESS is False
    assert module.ONESTOP_DEPT_SIM_PORT == 9701
    assert module.CSRF_TRUSTED_ORIGINS == ["https://a.example", "https://b.example"]


def test_public_url_follows_port(monkeypatch, english):
    monkeypatch.setenv("PORT", "9000")
    monkeypatch.delenv("ONESTOP_PUBLIC_URL", raising=False)

    module = importlib.reload(onestop.settings)

    assert module.ONESTOP_WEB_PORT == 9000
    assert module.ONESTOP_PUBLIC_URL == "http://127.0.0.1:9000"


def test_var_dir_that_is_a_file_rejected(monkeypatch, english, tmp_path):
    path = tmp_path / "var"
    path.write_text("", encoding="utf-8")
    monkeypatch.setenv("ONESTOP_VAR_DIR", str(path))

    with pytest.raises(ImproperlyConfigured, match="must be a folder, not a file"):
        importlib.reload(onestop.settings)


def test_database_url_password_not_shown(monkeypatch, english):
    monkeypatch.setenv("DATABASE_URL", "postgress://onestop:s3cret@db/onestop")

    with pytest.raises(ImproperlyConfigured) as raised:
        importlib.reload(onestop.settings)

    assert "s3cret" not in str(raised.value)
    assert '"postgress://onestop:***@db/onestop"' in str(raised.value)


def test_message_in_chinese_for_chinese_locale(monkeypatch):
    monkeypatch.setenv("LANGUAGE", "zh_CN")
    monkeypatch.setenv("ONESTOP_LOG_LEVEL", "LOUD")

    with pytest.raises(ImproperlyConfigured) as raised:
        environment.env_choice("ONESTOP_LOG_LEVEL", "INFO", environment.LOG_LEVELS)

    assert str(raised.value) == (
        "环境变量 ONESTOP_LOG_LEVEL 的值为“LOUD”，但它必须是 DEBUG, INFO, WARNING, "
        "ERROR, CRITICAL 之一。请改正或删除该变量后重新启动。"
    )


def test_operator_guide_lists_every_variable():
    source = Path(onestop.settings.__file__).read_text("utf-8")
    guide = Path(__file__).resolve().parents[4] / "docs" / "operator-guide.md"
    # Every string literal ONESTOP_… in the settings is the name of a variable.
    variables = set(re.findall(r'"(ONESTOP_[A-Z_]+)"', source))
    table = set(re.findall(r"^\| `([A-Z_]+)` \|", guide.read_text("utf-8"), re.M))

    assert variables - table == set()
