"""TCP ports that commands listen on: the range check, and the error of a failed bind."""

from __future__ import annotations

import errno
from typing import Any

from django.utils.translation import gettext_lazy as _

from onestop.core.errors import InvalidInput, OneStopError, echoed

MAX_PORT = 65535


class PortInvalid(InvalidInput):
    code = "port.invalid"
    message = _(
        "The port %(port)s (%(source)s) is not a TCP port. Give a whole number from 1 "
        "to 65535."
    )


class PortUnavailable(OneStopError):
    code = "port.unavailable"
    status = 503
    message = _(
        "Cannot listen on %(host)s:%(port)s because %(reason)s. Stop the program that "
        "uses the port, or give another port with %(source)s."
    )


def check_port(value: Any, *, source: str) -> int:
    """Return `value` as a TCP port from 1 to 65535, or raise PortInvalid.

    `source` names where the value came from, such as "--port" or "PORT", for the
    message.
    """
    try:
        port = int(str(value).strip())
    except ValueError:
        raise PortInvalid(port=echoed(value), source=source) from None
    if not 1 <= port <= MAX_PORT:
        raise PortInvalid(port=port, source=source)
    return port


def port_unavailable(
    error: OSError, *, host: str, port: int, source: str
) -> PortUnavailable:
    """Return the error of a failed bind to host:port, with the system's reason."""
    return PortUnavailable(
        host=host, port=port, reason=bind_failure_reason(error), source=source
    )


def bind_failure_reason(error: OSError) -> Any:
    """Return why binding failed, in words, from the error's errno."""
    if error.errno == errno.EADDRINUSE:
        return _("another program already uses the port")
    if error.errno == errno.EACCES:
        return _(
            "the system does not let this program use the port (ports below 1024 "
            "need privileges)"
        )
    if error.errno == errno.EADDRNOTAVAIL:
        return _("the address is not one of this machine's")
    return error.strerror or str(error)
