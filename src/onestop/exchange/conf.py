"""Settings of the department exchange, each with its default.

Every value can be set in Django settings under the name shown; none is required.
`onestop/settings.py` reads the ones that an environment variable of the same name sets.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings

DEFAULTS: dict[str, Any] = {
    # Lifetime of a material download link inside an envelope, in seconds.
    "ONESTOP_EXCHANGE_MATERIAL_LINK_SECONDS": 24 * 3600,
    # Largest callback or acknowledgement body accepted, in bytes.
    "ONESTOP_EXCHANGE_MAX_BODY_BYTES": 256 * 1024,
    # A callback or pull request whose time is further than this from ours is rejected
    # as a replay, in seconds.
    "ONESTOP_EXCHANGE_CLOCK_WINDOW_SECONDS": 300,
    # The broker of AMQP connectors that set no URL of their own. Empty means none, so
    # such a connector cannot deliver and the demo leaves AMQP out.
    "ONESTOP_AMQP_URL": "",
    # The start of the AMQP queue names that OneStop chooses: the default reply queue
    # and the demo's department queues. None means "onestop." and an id derived from
    # the secret key, so deployments that share a broker do not share queues.
    "ONESTOP_AMQP_PREFIX": None,
    # The queue OneStop reads AMQP results from, unless a connector names its own.
    # None means the prefix followed by ".exchange.results".
    "ONESTOP_AMQP_REPLY_QUEUE": None,
    # Start the department simulator inside `onestop serve` (embedded demo only); the
    # environment variable ONESTOP_DEPT_SIM=1 turns it on too.
    "ONESTOP_DEPT_SIM": False,
    # The simulator's TCP port. None means the web port + 701 (see
    # `onestop.exchange.demo.simulator_port`), so two demos on one host do not collide.
    "ONESTOP_DEPT_SIM_PORT": None,
}


def setting(name: str) -> Any:
    """Return the Django setting `name`, or its default from DEFAULTS."""
    return getattr(settings, name, DEFAULTS[name])
