"""Configuration of the webhook connector: an http(s) endpoint, a key and a timeout."""

from __future__ import annotations

from urllib.parse import urlsplit

from django.utils.translation import gettext as _

from onestop.exchange.connectors._keys import check_department_key
from onestop.exchange.models import ConnectorConfig


def check_config(config: ConnectorConfig) -> list[str]:
    """Return the problems with the endpoint, the timeout and the department's key."""
    problems = []
    if urlsplit(config.endpoint).scheme not in ("http", "https"):
        problems.append(_("Enter the department's endpoint as an http or https URL."))
    if not 0 < config.timeout_seconds <= 120:
        problems.append(_("Enter a timeout between 0 and 120 seconds."))
    return problems + check_department_key(config)
