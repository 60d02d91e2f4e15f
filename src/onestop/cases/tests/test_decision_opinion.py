"""The opinion of a decision: required for an approval as for a denial, and bounded."""

from __future__ import annotations

import pytest

from onestop.cases import actions
from onestop.cases.models import Case, CaseDocument, CaseState
from onestop.cases.tests.test_api_flow import apply
from onestop.cases.tests.test_certificate_results import accepted_id_card_case
from onestop.core import outbox

pytestmark = pytest.mark.django_db


def case_in_review(demo) -> str:
    number = apply(demo.client("applicant"), demo).json()["number"]
    demo.client("clerk").post(
        f"/api/v1/cases/{number}/accept", {}, content_type="application/json"
    )
    outbox.drain()
    return number


def decide(demo, number: str, action: str, opinion: str, language: str = "en"):
    return demo.client("reviewer").post(
        f"/api/v1/cases/{number}/{action}",
        {"opinion": opinion},
        content_type="application/json",
        headers={"Accept-Language": language},
    )


@pytest.mark.parametrize("opinion", ["", "   "])
def test_approval_without_opinion_is_rejected(demo, opinion):
    number = case_in_review(demo)

    response = decide(demo, number, "approve", opinion)

    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "case.reason_required"
    assert body["message"] == (
        "Enter the opinion for approving a case: the decision states it."
    )
    assert body["details"] == {"action": "approve"}
    assert Case.objects.get(number=number).state == CaseState.IN_REVIEW


def test_denial_without_opinion_in_chinese(demo):
    number = case_in_review(demo)

    response = decide(demo, number, "deny", " ", language="zh-hans")

    assert response.json()["code"] == "case.reason_required"
    assert response.json()["message"] == (
        "请填写不予批准的审批意见：决定书将载明该意见。"
    )
    assert response.json()["details"] == {"action": "deny"}


@pytest.mark.parametrize("action", ["approve", "deny"])
def test_opinion_over_2000_characters_rejected(demo, action):
    number = case_in_review(demo)

    response = decide(demo, number, action, "准" * 2001)

    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "case.opinion_too_long"
    assert body["message"] == (
        "The opinion has 2001 characters; the maximum is 2000. Shorten it."
    )
    assert Case.objects.get(number=number).state == CaseState.IN_REVIEW


def test_trimmed_opinion_of_2000_characters_stored(demo):
    number = case_in_review(demo)

    response = decide(demo, number, "approve", f"  {'准' * 2000}  ")

    assert response.status_code == 200, response.content
    assert Case.objects.get(number=number).opinion == "准" * 2000


def test_result_members_never_replace_decision(demo):
    number = accepted_id_card_case(demo)
    case = Case.objects.get(number=number)

    actions.approve_case(
        actor=demo.user("reviewer-public_security"),
        case=case,
        opinion="准予换领",
        result={
            "decision": "denied",
            "opinion": "伪造",
            "result_name": "伪造",
            "face": {"ethnicity": "汉"},
        },
    )

    document = CaseDocument.objects.get(case=case, kind=CaseDocument.Kind.RESULT)
    assert document.data["decision"] == "approved"
    assert document.data["opinion"] == "准予换领"
    assert document.data["result_name"] != "伪造"
