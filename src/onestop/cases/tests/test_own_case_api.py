"""Recusal through the API: staff may not act on their own cases or their enterprise's."""

from __future__ import annotations

import json
from typing import Any

import pytest

from onestop.cases import actions
from onestop.cases.errors import OwnCase
from onestop.cases.models import Case, CaseExtension, CaseState
from onestop.cases.tests.test_enterprise_application import ENTERPRISE_FORM, USCC
from onestop.catalog.models import Matter
from onestop.core import outbox
from onestop.core.models import AuditEvent, Department, Membership, Role
from onestop.identity.models import Enterprise, EnterpriseAgent, Person
from onestop.testing import material_files, valid_form, window_acceptance

pytestmark = pytest.mark.django_db

FOOD = "food-business-licence"
# A 即办件 of the standard pack, which the window decides on the spot.
IMMEDIATE = "social-security-card-replacement"
APPLICANT_ID_NUMBER = "440604198503150024"
OWN_CASE_MESSAGE = (
    "You applied for case {number} yourself, so you may not handle it: staff may not "
    "accept, correct, decide or otherwise act on their own applications (回避). Ask "
    "another member of staff to handle it."
)


def make_staff(demo, username: str, *roles: str) -> None:
    """Give the account each role in the demo centre, reviewers for market regulation."""
    market = Department.objects.get(centre=demo.centre, role_key="market_regulation")
    for role in roles:
        department = market if role == Role.REVIEWER else None
        Membership.objects.create(
            user=demo.user(username),
            centre=demo.centre,
            department=department,
            role=role,
        )


def submit(demo, *, username: str = "applicant", matter_id: str = FOOD) -> Case:
    matter = Matter.objects.get(centre=demo.centre, pack_id=matter_id)
    data: dict[str, Any] = {"centre": demo.centre.slug, "matter": matter_id}
    if username == "agent":
        data["enterprise"] = USCC
        data["form"] = json.dumps(ENTERPRISE_FORM, ensure_ascii=False)
    else:
        data.update(valid_form(matter))
    data.update(material_files(matter))
    response = demo.client(username).post("/api/v1/cases", data)
    assert response.status_code == 201, response.content
    return Case.objects.get(number=response.json()["number"])


def in_review(demo, **kwargs: Any) -> Case:
    """Return a case that the demo clerk accepted and the worklist put in review."""
    case = submit(demo, **kwargs)
    response = demo.client("clerk").post(
        f"/api/v1/cases/{case.number}/accept", {}, content_type="application/json"
    )
    assert response.status_code == 200, response.content
    outbox.drain()
    case.refresh_from_db()
    assert case.state == CaseState.IN_REVIEW
    return case


def post(demo, username: str, path: str, body: dict[str, Any] | None = None) -> Any:
    return demo.client(username).post(path, body or {}, content_type="application/json")


def assert_rejected(response: Any, case: Case, state: str, action: str) -> None:
    """Check the 403 body, that the case did not move and that the refusal is audited."""
    assert response.status_code == 403, response.content
    body = response.json()
    assert body["code"] == "case.own_case"
    assert body["details"]["number"] == case.number
    assert body["details"]["action"] == action
    case.refresh_from_db()
    assert case.state == state
    event = AuditEvent.objects.get(verb="case.own_case_rejected")
    assert event.object_type == "case"
    assert event.object_id == case.number
    assert event.data == {"action": action, "code": "case.own_case"}


def request_extension(demo, case: Case) -> int:
    """Return the id of an extension of the case that the demo reviewer requested."""
    response = post(
        demo,
        "reviewer",
        f"/api/v1/cases/{case.number}/extensions",
        {"working_days": 5, "reason": "情况复杂"},
    )
    assert response.status_code == 201, response.content
    return response.json()["id"]


@pytest.fixture
def staff_applicant(demo):
    """The demo applicant, who is also a clerk, a market reviewer and a supervisor."""
    make_staff(demo, "applicant", Role.CLERK, Role.REVIEWER, Role.SUPERVISOR)
    return demo


# --- the window ---------------------------------------------------------------------


def test_own_case_accept_rejected(staff_applicant):
    demo = staff_applicant
    case = submit(demo)

    response = post(demo, "applicant", f"/api/v1/cases/{case.number}/accept")

    assert_rejected(response, case, CaseState.SUBMITTED, "accept")
    assert response.json()["message"] == OWN_CASE_MESSAGE.format(number=case.number)
    event = AuditEvent.objects.get(verb="case.own_case_rejected")
    assert event.actor == demo.user("applicant")
    assert event.actor_role == Role.CLERK
    assert not AuditEvent.objects.filter(verb="case.receipt_issued").exists()


def test_own_case_not_accepting_rejected(staff_applicant):
    case = submit(staff_applicant)

    response = post(
        staff_applicant,
        "applicant",
        f"/api/v1/cases/{case.number}/refuse",
        {"reason": "不属于本机关职权范围"},
    )

    assert_rejected(response, case, CaseState.SUBMITTED, "refuse")
    case.refresh_from_db()
    assert case.refusal_reason == ""


def test_own_case_window_correction_rejected(staff_applicant):
    case = submit(staff_applicant)

    response = post(
        staff_applicant,
        "applicant",
        f"/api/v1/cases/{case.number}/correction",
        {"items": [{"material": "business_licence", "note": "看不清"}]},
    )

    assert_rejected(response, case, CaseState.SUBMITTED, "request_correction")
    case.refresh_from_db()
    assert case.correction_items == []


def test_own_case_message_in_chinese(staff_applicant):
    case = submit(staff_applicant)

    response = staff_applicant.client("applicant").post(
        f"/api/v1/cases/{case.number}/accept",
        {},
        content_type="application/json",
        headers={"Accept-Language": "zh-hans"},
    )

    assert response.json()["message"] == (
        f"办件 {case.number} 是您本人申请的，您须回避，不能办理：工作人员不得受理、补正、"
        "决定或以其他方式处理本人的申请。请交由其他工作人员办理。"
    )


def test_own_walk_in_rejected(staff_applicant):
    demo = staff_applicant
    matter = Matter.objects.get(centre=demo.centre, pack_id=FOOD)
    data = window_acceptance(matter, APPLICANT_ID_NUMBER)
    data.update(material_files(matter))

    response = demo.client("applicant").post("/api/v1/cases/window", data)

    assert response.status_code == 403, response.content
    body = response.json()
    assert body["code"] == "case.own_case"
    assert body["details"]["matter_id"] == FOOD
    assert "食品经营许可" in body["message"]
    assert not Case.objects.exists()
    event = AuditEvent.objects.get(verb="case.own_case_rejected")
    assert event.object_type == "matter"
    assert event.object_id == FOOD
    assert event.data == {"action": "accept", "code": "case.own_case"}


def test_other_clerk_accepts_staff_members_case(staff_applicant):
    case = submit(staff_applicant)

    response = post(staff_applicant, "clerk", f"/api/v1/cases/{case.number}/accept")

    assert response.status_code == 200, response.content
    assert response.json()["state"] == CaseState.ACCEPTED
    assert not AuditEvent.objects.filter(verb="case.own_case_rejected").exists()


def test_staff_applicant_approves_others_case(staff_applicant):
    other = in_review(staff_applicant, username="agent")

    response = post(
        staff_applicant,
        "applicant",
        f"/api/v1/cases/{other.number}/approve",
        {"opinion": "符合条件，准予许可"},
    )

    assert response.status_code == 200, response.content
    assert response.json()["state"] == CaseState.RESULT_ISSUED


# --- the department -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("path", "body", "action"),
    [
        ("approve", {"opinion": "符合条件，准予许可"}, "approve"),
        ("deny", {"opinion": "不符合条件"}, "deny"),
        (
            "correction",
            {"items": [{"material": "business_licence", "note": "看不清"}]},
            "request_correction",
        ),
        (
            "special-procedure",
            {"procedure": "hearing", "reason": "需要听证"},
            "suspend",
        ),
        (
            "extensions",
            {"working_days": 5, "reason": "情况复杂"},
            "request_extension",
        ),
    ],
)
def test_own_case_review_action_rejected(staff_applicant, path, body, action):
    case = in_review(staff_applicant)

    response = post(
        staff_applicant, "applicant", f"/api/v1/cases/{case.number}/{path}", body
    )

    assert_rejected(response, case, CaseState.IN_REVIEW, action)
    assert not case.documents.filter(kind="result").exists()
    assert not case.pauses.exists()
    assert not case.extensions.exists()
    event = AuditEvent.objects.get(verb="case.own_case_rejected")
    assert event.actor_role == Role.REVIEWER


def test_own_case_resume_rejected(staff_applicant):
    case = in_review(staff_applicant)
    response = post(
        staff_applicant,
        "reviewer",
        f"/api/v1/cases/{case.number}/special-procedure",
        {"procedure": "hearing", "reason": "需要听证"},
    )
    assert response.status_code == 200, response.content

    response = post(
        staff_applicant,
        "applicant",
        f"/api/v1/cases/{case.number}/special-procedure/end",
        {"reason": "听证结束"},
    )

    assert_rejected(response, case, CaseState.SUSPENDED, "resume")
    assert case.pauses.get().ended_at is None


@pytest.mark.parametrize(
    ("decision", "action"),
    [("approve", "approve_extension"), ("reject", "reject_extension")],
)
def test_own_case_extension_decision_rejected(staff_applicant, decision, action):
    case = in_review(staff_applicant)
    extension_id = request_extension(staff_applicant, case)

    response = post(
        staff_applicant,
        "applicant",
        f"/api/v1/cases/extensions/{extension_id}/{decision}",
        {"note": "同意"},
    )

    assert_rejected(response, case, CaseState.IN_REVIEW, action)
    extension = CaseExtension.objects.get(pk=extension_id)
    assert extension.status == CaseExtension.Status.REQUESTED


def test_own_case_start_review_rejected(staff_applicant):
    case = submit(staff_applicant)
    post(staff_applicant, "clerk", f"/api/v1/cases/{case.number}/accept")

    with pytest.raises(OwnCase):
        actions.start_review(actor=staff_applicant.user("applicant"), case=case)

    case.refresh_from_db()
    assert case.state == CaseState.ACCEPTED
    assert AuditEvent.objects.get(verb="case.own_case_rejected").data == {
        "action": "start_review",
        "code": "case.own_case",
    }


def test_department_system_result_still_applies(staff_applicant):
    case = in_review(staff_applicant)

    decided = actions.apply_department_result(
        case=case, decision="denied", opinion="不符合条件"
    )

    assert decided.state == CaseState.RESULT_ISSUED


# --- agents of an enterprise --------------------------------------------------------


def test_agent_own_enterprise_case_rejected(demo):
    make_staff(demo, "agent", Role.CLERK)
    case = submit(demo, username="agent")

    response = post(demo, "agent", f"/api/v1/cases/{case.number}/accept")

    assert_rejected(response, case, CaseState.SUBMITTED, "accept")


def test_other_agent_of_enterprise_rejected(staff_applicant):
    demo = staff_applicant
    EnterpriseAgent.objects.create(
        enterprise=Enterprise.objects.get(uscc=USCC),
        person=Person.objects.get(user__username="applicant"),
    )
    case = submit(demo, username="agent")

    response = post(demo, "applicant", f"/api/v1/cases/{case.number}/accept")

    assert_rejected(response, case, CaseState.SUBMITTED, "accept")
    assert response.json()["message"] == (
        f"Case {case.number} is an application of 佛山市禅城区示例商贸有限公司, and you "
        "are a registered agent of it, so you may not handle the case: staff may not "
        "act on the applications of an enterprise they act for (回避). Ask another "
        "member of staff to handle it."
    )
    assert response.json()["details"]["enterprise"] == "佛山市禅城区示例商贸有限公司"


def test_agent_walk_in_for_own_enterprise_rejected(demo):
    make_staff(demo, "agent", Role.CLERK)
    matter = Matter.objects.get(centre=demo.centre, pack_id=FOOD)
    # The walk-in names the demo applicant, but the enterprise is the clerk's own.
    data = window_acceptance(matter, APPLICANT_ID_NUMBER)
    data.update(material_files(matter))
    data["enterprise"] = USCC
    EnterpriseAgent.objects.create(
        enterprise=Enterprise.objects.get(uscc=USCC),
        person=Person.objects.get(user__username="applicant"),
    )

    response = demo.client("agent").post("/api/v1/cases/window", data)

    assert response.status_code == 403, response.content
    assert response.json()["code"] == "case.own_case"
    assert not Case.objects.exists()
