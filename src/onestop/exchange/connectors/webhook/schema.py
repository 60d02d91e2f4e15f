"""Configuration of the webhook connector: an http(s) endpoint, a key and a timeout."""

from __future__ import annotations

from urllib.parse import urlsplit

from django.utils.translation import gettext as _

from onestop.exchange.connectors._keys import check_department_key
from onestop.exchange.models import ConnectorConfig

# A request waits more than 0 and at most MAX_TIMEOUT_SECONDS for the department.
MAX_TIMEOUT_SECONDS = 120


def check_config(config: ConnectorConfig) -> list[str]:
    """Return the problems with the endpoint, the timeout and the department's key."""
    problems = []
    if urlsplit(config.endpoint).scheme not in ("http", "https"):
        problems.append(_("Enter the department's endpoint as an http or https URL."))
    if not 0 < config.timeout_seconds <= MAX_TIMEOUT_SECONDS:
        problems.append(
            _(
                "The timeout is %(value)s seconds. Enter a timeout of more than 0 "
                "and at most %(max)s seconds, such as 10."
            )
            % {
                "value": format(config.timeout_seconds, "g"),
                "max": MAX_TIMEOUT_SECONDS,
            }
        )
    return problems + check_department_key(config)
