"""Recusal on the department's and the supervisor's pages."""

from __future__ import annotations

import pytest

from onestop.cases.models import CaseExtension, CaseState
from onestop.cases.tests.test_enterprise_application import USCC
from onestop.cases.tests.test_own_case_api import (
    OWN_CASE_MESSAGE,
    in_review,
    make_staff,
    post,
    request_extension,
)
from onestop.core.models import AuditEvent, Role
from onestop.identity.models import Enterprise, EnterpriseAgent, Person

pytestmark = pytest.mark.django_db


@pytest.fixture
def reviewer_applicant(demo):
    """The demo applicant, who is also a market reviewer and a supervisor."""
    make_staff(demo, "applicant", Role.REVIEWER, Role.SUPERVISOR)
    return demo


def test_own_case_page_shows_reason(reviewer_applicant):
    case = in_review(reviewer_applicant)

    response = reviewer_applicant.client("applicant").get(
        f"/office/cases/{case.number}/"
    )

    text = response.content.decode()
    assert 'id="own-case" data-code="case.own_case"' in text
    assert OWN_CASE_MESSAGE.format(number=case.number) in text
    assert 'id="approve-case"' not in text
    assert 'id="deny-case"' not in text
    assert 'value="special_procedure"' not in text


def test_other_reviewer_page_shows_buttons(reviewer_applicant):
    case = in_review(reviewer_applicant)

    response = reviewer_applicant.client("reviewer").get(
        f"/office/cases/{case.number}/"
    )

    text = response.content.decode()
    assert 'id="own-case"' not in text
    assert 'id="approve-case"' in text


@pytest.mark.parametrize(
    ("posted", "action"),
    [
        ({"action": "approve", "opinion": "符合条件，准予许可"}, "approve"),
        ({"action": "deny", "opinion": "不符合条件"}, "deny"),
        (
            {"action": "correction", "missing.business_licence": "on", "note": "补"},
            "request_correction",
        ),
        (
            {"action": "special_procedure", "procedure": "hearing", "reason": "听证"},
            "suspend",
        ),
        (
            {"action": "extension", "working_days": "5", "reason": "情况复杂"},
            "request_extension",
        ),
    ],
)
def test_own_case_page_action_rejected(reviewer_applicant, posted, action):
    case = in_review(reviewer_applicant)

    response = reviewer_applicant.client("applicant").post(
        f"/office/cases/{case.number}/", posted
    )

    assert response.status_code == 403
    text = response.content.decode()
    assert 'role="alert" data-code="case.own_case"' in text
    case.refresh_from_db()
    assert case.state == CaseState.IN_REVIEW
    assert not case.pauses.exists()
    assert not case.extensions.exists()
    event = AuditEvent.objects.get(verb="case.own_case_rejected")
    assert event.data["action"] == action
    assert event.actor_role == Role.REVIEWER


def test_own_case_resume_page_rejected(reviewer_applicant):
    case = in_review(reviewer_applicant)
    post(
        reviewer_applicant,
        "reviewer",
        f"/api/v1/cases/{case.number}/special-procedure",
        {"procedure": "hearing", "reason": "需要听证"},
    )

    response = reviewer_applicant.client("applicant").post(
        f"/office/cases/{case.number}/",
        {"action": "end_special_procedure", "reason": "听证结束"},
    )

    assert response.status_code == 403
    case.refresh_from_db()
    assert case.state == CaseState.SUSPENDED


@pytest.mark.parametrize("decision", ["approve", "reject"])
def test_own_case_extension_dashboard_rejected(reviewer_applicant, decision):
    case = in_review(reviewer_applicant)
    extension_id = request_extension(reviewer_applicant, case)

    response = reviewer_applicant.client("applicant").post(
        f"/supervise/extensions/{extension_id}/decide",
        {"decision": decision, "note": "同意"},
    )

    assert response.status_code == 403
    assert "<code>case.own_case</code>" in response.content.decode()
    extension = CaseExtension.objects.get(pk=extension_id)
    assert extension.status == CaseExtension.Status.REQUESTED
    event = AuditEvent.objects.get(verb="case.own_case_rejected")
    assert event.actor_role == Role.SUPERVISOR


def dashboard_text(demo, username):
    response = demo.client(username).get("/supervise/")
    assert response.status_code == 200
    return response.content.decode()


def test_own_case_extension_dashboard_shows_reason(reviewer_applicant):
    case = in_review(reviewer_applicant)
    extension_id = request_extension(reviewer_applicant, case)

    text = dashboard_text(reviewer_applicant, "applicant")

    assert f'id="own-case-extension-{extension_id}" data-code="case.own_case"' in text
    assert OWN_CASE_MESSAGE.format(number=case.number) in text
    assert f'id="approve-extension-{extension_id}"' not in text
    assert f'id="reject-extension-{extension_id}"' not in text


def test_other_supervisor_dashboard_shows_buttons(reviewer_applicant):
    case = in_review(reviewer_applicant)
    extension_id = request_extension(reviewer_applicant, case)

    text = dashboard_text(reviewer_applicant, "supervisor")

    assert f'id="own-case-extension-{extension_id}"' not in text
    assert f'id="approve-extension-{extension_id}"' in text
    assert f'id="reject-extension-{extension_id}"' in text


def test_agent_extension_dashboard_shows_reason(demo):
    # The supervisor is another registered agent of the enterprise that applied.
    make_staff(demo, "applicant", Role.SUPERVISOR)
    EnterpriseAgent.objects.create(
        enterprise=Enterprise.objects.get(uscc=USCC),
        person=Person.objects.get(user__username="applicant"),
    )
    enterprise_case = in_review(demo, username="agent")
    own_case = in_review(demo)
    enterprise_id = request_extension(demo, enterprise_case)
    own_id = request_extension(demo, own_case)

    text = dashboard_text(demo, "applicant")

    assert f'id="own-case-extension-{enterprise_id}" data-code="case.own_case"' in text
    assert (
        f"Case {enterprise_case.number} is an application of 佛山市禅城区示例商贸有限公司"
        in text
    )
    assert f'id="approve-extension-{enterprise_id}"' not in text
    assert f'id="own-case-extension-{own_id}"' in text
    assert OWN_CASE_MESSAGE.format(number=own_case.number) in text


def test_own_case_queue_shows_reason(reviewer_applicant):
    own = in_review(reviewer_applicant)
    other = in_review(reviewer_applicant, username="agent")

    response = reviewer_applicant.client("applicant").get("/office/")

    text = response.content.decode()
    assert f'id="own-case-{own.number}" data-code="case.own_case"' in text
    assert OWN_CASE_MESSAGE.format(number=own.number) in text
    assert f'id="own-case-{other.number}"' not in text


def test_other_reviewer_queue_shows_no_reason(reviewer_applicant):
    case = in_review(reviewer_applicant)

    response = reviewer_applicant.client("reviewer").get("/office/")

    text = response.content.decode()
    assert f'href="/office/cases/{case.number}/"' in text
    assert f'id="own-case-{case.number}"' not in text
