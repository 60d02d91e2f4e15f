"""Configuration of the AMQP connector: a queue, an optional broker URL, and a key."""

from __future__ import annotations

from django.utils.translation import gettext as _

from onestop.exchange.connectors._keys import check_department_key
from onestop.exchange.connectors.amqp import broker_url
from onestop.exchange.models import ConnectorConfig


def check_config(config: ConnectorConfig) -> list[str]:
    """Return the problems with the queue name, the broker URL and the key."""
    problems = []
    if not config.queue.strip():
        problems.append(_("Enter the name of the department's AMQP queue."))
    if config.amqp_url and not config.amqp_url.startswith(("amqp://", "amqps://")):
        problems.append(_("Enter the broker URL as amqp://… or amqps://…."))
    if not broker_url(config):
        problems.append(
            _(
                "Enter the broker URL, because the deployment sets no default "
                "broker (ONESTOP_AMQP_URL)."
            )
        )
    return problems + check_department_key(config)
