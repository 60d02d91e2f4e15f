from __future__ import annotations

import pytest


@pytest.fixture
def ledger_origin(settings):
    settings.ONESTOP_LEDGER_ORIGIN = "onestop.test/ledger"
    return settings.ONESTOP_LEDGER_ORIGIN
