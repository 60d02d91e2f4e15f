"""Configuration of the worklist connector: it needs no endpoint and no key."""

from __future__ import annotations

from onestop.exchange.models import ConnectorConfig


def check_config(config: ConnectorConfig) -> list[str]:
    """Return no problems: every department can use the built-in worklist."""
    return []
