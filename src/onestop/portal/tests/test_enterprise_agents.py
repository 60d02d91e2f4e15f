"""The case page of an enterprise's case: every verified agent acts on it, and the
revoked filer reads why they no longer may."""

from __future__ import annotations

import pytest

from onestop.cases.models import Case, CaseEvent, CaseState
from onestop.cases.tests.test_enterprise_agents import (
    add_second_agent,
    file_for_enterprise,
    revoke_filer,
)

pytestmark = pytest.mark.django_db


def test_second_agent_withdraws_on_page(demo):
    number = file_for_enterprise(demo)
    add_second_agent(demo)
    url = f"/portal/cases/{number}/"

    page = demo.client("applicant").get(url)
    response = demo.client("applicant").post(
        url, {"action": "withdraw", "reason": "企业不再申请"}
    )

    assert 'name="action" value="withdraw"' in page.content.decode()
    assert response.status_code == 302
    assert Case.objects.get(number=number).state == CaseState.WITHDRAWN
    event = CaseEvent.objects.get(case__number=number, action="withdraw")
    assert event.actor == demo.user("applicant")


def test_revoked_filer_reads_revocation(demo):
    number = file_for_enterprise(demo)
    revoke_filer(demo)
    url = f"/portal/cases/{number}/"

    page = demo.client("agent").get(url)
    posted = demo.client("agent").post(url, {"action": "withdraw", "reason": "x"})

    assert page.status_code == 403
    assert "<code>agency.revoked</code>" in page.content.decode()
    assert "revoked your authority" in page.content.decode()
    assert posted.status_code == 403
    assert Case.objects.get(number=number).state == CaseState.SUBMITTED
