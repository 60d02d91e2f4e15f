"""Recusal on the window's pages: a clerk's own case shows the reason, not the buttons."""

from __future__ import annotations

from typing import Any

import pytest

from onestop.cases.models import Case, CaseState
from onestop.cases.tests.test_own_case_api import (
    APPLICANT_ID_NUMBER,
    FOOD,
    IMMEDIATE,
    OWN_CASE_MESSAGE,
    in_review,
    make_staff,
    submit,
)
from onestop.catalog.models import Matter
from onestop.core.models import AuditEvent, Role
from onestop.testing import material_files, window_acceptance

pytestmark = pytest.mark.django_db


@pytest.fixture
def clerk_applicant(demo):
    """The demo applicant, who is also a clerk of the demo centre."""
    make_staff(demo, "applicant", Role.CLERK)
    return demo


def page_text(demo, username: str, number: str) -> str:
    response = demo.client(username).get(f"/window/cases/{number}/")
    assert response.status_code == 200
    return response.content.decode()


def test_own_case_page_shows_reason(clerk_applicant):
    case = submit(clerk_applicant)

    text = page_text(clerk_applicant, "applicant", case.number)

    assert 'id="own-case" data-code="case.own_case"' in text
    assert OWN_CASE_MESSAGE.format(number=case.number) in text
    assert 'id="accept-case"' not in text
    assert 'id="refuse-case"' not in text
    assert 'id="request-correction"' not in text


def test_other_clerk_page_shows_buttons(clerk_applicant):
    case = submit(clerk_applicant)

    text = page_text(clerk_applicant, "clerk", case.number)

    assert 'id="own-case"' not in text
    assert 'id="accept-case"' in text


@pytest.mark.parametrize(
    ("posted", "action"),
    [
        ({"action": "accept", "window": "1"}, "accept"),
        ({"action": "refuse", "reason": "不属于本机关职权范围"}, "refuse"),
        (
            {"action": "correction", "missing.business_licence": "on", "note": "补"},
            "request_correction",
        ),
    ],
)
def test_own_case_page_action_rejected(clerk_applicant, posted, action):
    case = submit(clerk_applicant)
    data: dict[str, Any] = {
        f"check.{m['key']}.original_seen": "on"
        for m in case.matter_version.guide.materials
    }
    data.update(posted)

    response = clerk_applicant.client("applicant").post(
        f"/window/cases/{case.number}/", data
    )

    assert response.status_code == 403
    text = response.content.decode()
    assert 'role="alert" data-code="case.own_case"' in text
    case.refresh_from_db()
    assert case.state == CaseState.SUBMITTED
    event = AuditEvent.objects.get(verb="case.own_case_rejected")
    assert event.data["action"] == action


def test_own_immediate_case_decision_rejected(clerk_applicant):
    case = in_review(clerk_applicant, matter_id=IMMEDIATE)
    assert case.matter_version.guide.is_immediate
    assert 'id="own-case"' in page_text(clerk_applicant, "applicant", case.number)

    response = clerk_applicant.client("applicant").post(
        f"/window/cases/{case.number}/", {"action": "approve", "opinion": "准予"}
    )

    assert response.status_code == 403
    assert 'data-code="case.own_case"' in response.content.decode()
    case.refresh_from_db()
    assert case.state == CaseState.IN_REVIEW
    event = AuditEvent.objects.get(verb="case.own_case_rejected")
    assert event.data["action"] == "approve"
    assert event.actor_role == Role.CLERK


def test_own_walk_in_page_rejected(clerk_applicant):
    matter = Matter.objects.get(centre=clerk_applicant.centre, pack_id=FOOD)
    data = window_acceptance(matter, APPLICANT_ID_NUMBER)
    data.update(material_files(matter))
    data["step"] = "accept"

    response = clerk_applicant.client("applicant").post(f"/window/new/{FOOD}/", data)

    assert response.status_code == 403
    text = response.content.decode()
    assert 'data-code="case.own_case"' in text
    assert "You may not accept an application for 食品经营许可" in text
    assert not Case.objects.exists()
    assert AuditEvent.objects.filter(verb="case.own_case_rejected").count() == 1


def test_own_case_window_queue_shows_reason(clerk_applicant):
    own = submit(clerk_applicant)
    other = submit(clerk_applicant, username="agent")

    response = clerk_applicant.client("applicant").get("/window/")

    text = response.content.decode()
    assert f'id="own-case-{own.number}" data-code="case.own_case"' in text
    assert OWN_CASE_MESSAGE.format(number=own.number) in text
    assert f'id="own-case-{other.number}"' not in text


def test_other_clerk_window_queue_shows_no_reason(clerk_applicant):
    case = submit(clerk_applicant)

    response = clerk_applicant.client("clerk").get("/window/")

    text = response.content.decode()
    assert f'href="/window/cases/{case.number}/"' in text
    assert f'id="own-case-{case.number}"' not in text
