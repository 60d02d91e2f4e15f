"""A department on the pull connector and the envelope of one accepted case, for the
callback tests."""

from __future__ import annotations

import pytest

from onestop.core import outbox
from onestop.exchange.models import ConnectorKind, Envelope
from onestop.exchange.testing import DepartmentKey, accept_food_case, configure


@pytest.fixture
def key() -> DepartmentKey:
    return DepartmentKey()


@pytest.fixture
def envelope(demo, key) -> Envelope:
    configure(demo.market, ConnectorKind.PULL, key)
    accept_food_case(demo)
    outbox.drain()
    return Envelope.objects.get()
