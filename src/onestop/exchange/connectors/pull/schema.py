"""Configuration of the pull connector: only the key that signs the department's requests."""

from __future__ import annotations

from onestop.exchange.connectors._keys import check_department_key
from onestop.exchange.models import ConnectorConfig


def check_config(config: ConnectorConfig) -> list[str]:
    """Return the problems with the department's key."""
    return check_department_key(config)
