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
