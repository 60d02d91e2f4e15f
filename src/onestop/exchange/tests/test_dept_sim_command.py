"""`onestop dept-sim` rejects a port it cannot listen on with a one-line error."""

from __future__ import annotations

import socket

import pytest
from django.core.management import CommandError, call_command
from django.utils import translation


@pytest.mark.parametrize("port", ["70000", "0", "-1", "eighty"])
def test_port_out_of_range_rejected(port):
    with translation.override("en"), pytest.raises(CommandError) as raised:
        call_command("dept_sim", "--port", port)

    assert str(raised.value) == (
        f"port.invalid: The port {port} (--port) is not a TCP port. Give a whole "
        "number from 1 to 65535."
    )


def test_busy_port_rejected():
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        with translation.override("en"), pytest.raises(CommandError) as raised:
            call_command("dept_sim", "--port", str(port))

    message = str(raised.value)
    assert message.startswith(
        f"port.unavailable: Cannot listen on 127.0.0.1:{port} because another "
        "program already uses the port."
    )
    assert "--port" in message
    assert "\n" not in message


@pytest.mark.parametrize(
    ("option", "value", "rule"),
    [
        ("--delay", "x", "a number from 0 to 3600"),
        ("--delay", "-5", "a number from 0 to 3600"),
        ("--hang", "nan", "a number from 0 to 3600"),
        ("--fault-rate", "2", "a number from 0 to 1"),
        ("--fail-first", "1.5", "a whole number from 0 to 1000000"),
        ("--pull-interval", "0", "a number from 0.2 to 300"),
    ],
)
def test_number_option_out_of_range(option, value, rule):
    with translation.override("en"), pytest.raises(CommandError) as raised:
        call_command("dept_sim", option, value)

    assert str(raised.value) == (
        f"dept_sim.option_invalid: {option} is '{value}', but it must be {rule}."
    )


def test_number_option_error_in_chinese():
    with translation.override("zh-hans"), pytest.raises(CommandError) as raised:
        call_command("dept_sim", "--fault-rate", "2")

    assert str(raised.value) == (
        "dept_sim.option_invalid: --fault-rate 为 '2'，但必须是 0 到 1 之间的数。"
    )


@pytest.mark.parametrize("seed", ["not base64!", "c2hvcnQ"])
def test_bad_seed_rejected(seed):
    with translation.override("en"), pytest.raises(CommandError) as raised:
        call_command("dept_sim", "--ed25519-seed", seed)

    assert str(raised.value).startswith("dept_sim.seed_invalid: --ed25519-seed must")


def test_pull_department_with_control_character_is_escaped():
    with translation.override("en"), pytest.raises(CommandError) as raised:
        call_command("dept_sim", "--pull-department", "1\x07")

    assert str(raised.value) == (
        "dept_sim.pull_department_invalid: --pull-department '1\\x07' is invalid: "
        "give the department id (a number), optionally followed by :USCC."
    )
