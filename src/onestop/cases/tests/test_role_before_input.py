"""Decision and clock actions check the actor's role before the text they were sent,
so an account without the role gets 403 whatever the body contains."""

from __future__ import annotations

import pytest

from onestop.cases.models import Case, CaseExtension, CaseState
from onestop.cases.tests.test_api_flow import apply
from onestop.cases.tests.test_decision_opinion import case_in_review

pytestmark = pytest.mark.django_db


def post(demo, username: str, path: str, body: dict):
    return demo.client(username).post(path, body, content_type="application/json")


def assert_role_required(response) -> None:
    assert response.status_code == 403, response.content
    assert response.json()["code"] == "permission.role_required"


@pytest.mark.parametrize("action", ["approve", "deny"])
def test_clerk_decision_without_opinion(demo, action):
    number = case_in_review(demo)

    response = post(demo, "clerk", f"/api/v1/cases/{number}/{action}", {"opinion": ""})

    assert_role_required(response)
    assert Case.objects.get(number=number).state == CaseState.IN_REVIEW


def test_reviewer_refusal_without_reason(demo):
    number = apply(demo.client("applicant"), demo).json()["number"]

    response = post(demo, "reviewer", f"/api/v1/cases/{number}/refuse", {"reason": ""})

    assert_role_required(response)
    assert Case.objects.get(number=number).state == CaseState.SUBMITTED


def test_applicant_correction_without_items(demo):
    number = apply(demo.client("applicant"), demo).json()["number"]

    response = post(
        demo, "applicant", f"/api/v1/cases/{number}/correction", {"items": []}
    )

    assert_role_required(response)


def test_clerk_special_procedure_unknown_and_empty(demo):
    number = case_in_review(demo)

    response = post(
        demo,
        "clerk",
        f"/api/v1/cases/{number}/special-procedure",
        {"procedure": "lottery", "reason": ""},
    )

    assert_role_required(response)
    assert Case.objects.get(number=number).state == CaseState.IN_REVIEW


def test_clerk_special_procedure_end_without_reason(demo):
    number = case_in_review(demo)

    response = post(
        demo, "clerk", f"/api/v1/cases/{number}/special-procedure/end", {"reason": ""}
    )

    assert_role_required(response)


def test_clerk_extension_without_reason(demo):
    number = case_in_review(demo)

    response = post(
        demo,
        "clerk",
        f"/api/v1/cases/{number}/extensions",
        {"working_days": 5, "reason": ""},
    )

    assert_role_required(response)
    assert not CaseExtension.objects.filter(case__number=number).exists()


@pytest.mark.parametrize("decision", ["approve", "reject"])
def test_reviewer_extension_decision_without_note(demo, decision):
    number = case_in_review(demo)
    requested = post(
        demo,
        "reviewer",
        f"/api/v1/cases/{number}/extensions",
        {"working_days": 5, "reason": "需要现场核查"},
    )
    assert requested.status_code == 201, requested.content
    extension_id = requested.json()["id"]

    response = post(
        demo,
        "reviewer",
        f"/api/v1/cases/extensions/{extension_id}/{decision}",
        {"note": "" if decision == "reject" else "x" * 2001},
    )

    assert_role_required(response)
    status = CaseExtension.objects.get(pk=extension_id).status
    assert status == CaseExtension.Status.REQUESTED


@pytest.mark.parametrize("action", ["approve", "deny"])
def test_reviewer_still_gets_opinion_error(demo, action):
    number = case_in_review(demo)

    response = post(
        demo, "reviewer", f"/api/v1/cases/{number}/{action}", {"opinion": " "}
    )

    assert response.status_code == 400
    assert response.json()["code"] == "case.reason_required"
