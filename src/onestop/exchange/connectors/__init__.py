"""Connector kinds: one plugin package per kind, each exposing the same names.

A package `onestop.exchange.connectors.<kind>` has:

- `Connector`, built with the department's `ConnectorConfig`, whose
  `deliver(envelope) -> DeliveryOutcome` hands one stored envelope over. It raises
  `DeliveryFailed` for a failure that a retry may cure and `outbox.PermanentFailure`
  for one that it cannot cure (a wrong configuration, a rejected envelope).
- `schema.check_config(config) -> list[str]`, the configuration problems to show the
  department admin (empty when the configuration is complete).
- `tests/`, the tests of the kind.
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass
from types import ModuleType
from typing import Any, Protocol

from django.utils.translation import gettext as _

from onestop.exchange.models import ConnectorConfig, ConnectorKind, Envelope


@dataclass(frozen=True)
class DeliveryOutcome:
    """The result of one delivery: the envelope's new status and a short detail."""

    status: str
    detail: str = ""


class DeliveryFailed(Exception):
    """Raised by a connector when a retry may succeed (timeout, 5xx, broker down)."""


class Connector(Protocol):
    def __init__(self, config: ConnectorConfig) -> None: ...

    def deliver(self, envelope: Envelope) -> DeliveryOutcome: ...


def connector_package(kind: str) -> ModuleType:
    """Import the package of a connector kind. Raise KeyError for an unknown kind."""
    if kind not in ConnectorKind.values:
        raise KeyError(kind)
    return importlib.import_module(f"onestop.exchange.connectors.{kind}")


def get_connector(config: ConnectorConfig) -> Any:
    """Return the connector that delivers envelopes for a department's configuration."""
    return connector_package(config.kind).Connector(config)


def check_config(config: ConnectorConfig) -> list[str]:
    """Return the configuration problems of every kind, then those that the
    connector kind reports."""
    problems = []
    if config.max_attempts < 1:
        problems.append(
            _(
                "The number of delivery attempts is %(value)s. Enter at least 1, "
                "the first delivery."
            )
            % {"value": config.max_attempts}
        )
    schema = importlib.import_module(
        f"onestop.exchange.connectors.{config.kind}.schema"
    )
    return problems + list(schema.check_config(config))
