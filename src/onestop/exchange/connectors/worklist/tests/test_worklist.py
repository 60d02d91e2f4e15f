"""The worklist connector puts the case in the department's review queue."""

from __future__ import annotations

import pytest

from onestop.cases.models import CaseState
from onestop.core import outbox
from onestop.exchange.models import Envelope, EnvelopeStatus
from onestop.exchange.testing import accept_food_case

pytestmark = pytest.mark.django_db


def test_dispatch_moves_case_into_review(demo):
    case = accept_food_case(demo)
    outbox.drain()
    case.refresh_from_db()
    assert case.state == CaseState.IN_REVIEW
    envelope = Envelope.objects.get(case=case)
    assert envelope.connector_kind == "worklist"
    assert envelope.status == EnvelopeStatus.DELIVERED


def test_worklist_is_default_connector(demo):
    case = accept_food_case(demo)
    outbox.drain()
    assert demo.market.connector.kind == "worklist"
    assert case.events.filter(action="start_review").count() == 1
