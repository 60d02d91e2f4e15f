"""A correction request on a case in the wrong state is a state conflict, not a denial."""

from __future__ import annotations

import pytest

from onestop.cases.models import Case, CaseState
from onestop.cases.tests.test_api_flow import apply
from onestop.core import outbox

pytestmark = pytest.mark.django_db

CORRECTION = {"items": [{"material": "", "note": "营业执照复印件不清晰"}]}


def refused_case(demo) -> str:
    number = apply(demo.client("applicant"), demo).json()["number"]
    response = demo.client("clerk").post(
        f"/api/v1/cases/{number}/refuse",
        {"reason": "不属于本机关职权范围"},
        content_type="application/json",
    )
    assert response.status_code == 200, response.content
    return number


def request_correction(client, number: str, language: str = "en"):
    return client.post(
        f"/api/v1/cases/{number}/correction",
        CORRECTION,
        content_type="application/json",
        headers={"Accept-Language": language},
    )


def test_correction_on_refused_case_conflicts(demo):
    number = refused_case(demo)

    response = request_correction(demo.client("clerk"), number)

    assert response.status_code == 409
    body = response.json()
    assert body["code"] == "invalid_transition"
    assert body["details"]["state"] == "not_accepted"
    assert body["details"]["action"] == "request_correction"
    assert body["message"] == (
        "The case is not accepted, so a correction request is not possible now. "
        "Reload the case to see its current state."
    )
    assert Case.objects.get(number=number).state == CaseState.NOT_ACCEPTED


def test_correction_conflict_same_as_repeated_acceptance(demo):
    number = refused_case(demo)
    clerk = demo.client("clerk")

    correction = request_correction(clerk, number)
    acceptance = clerk.post(
        f"/api/v1/cases/{number}/accept", {}, content_type="application/json"
    )

    assert acceptance.status_code == correction.status_code
    assert acceptance.json()["code"] == correction.json()["code"]


def test_correction_conflict_in_chinese(demo):
    number = refused_case(demo)

    response = request_correction(demo.client("clerk"), number, "zh-hans")

    assert response.status_code == 409
    assert response.json()["message"] == (
        "办件当前状态为“不予受理”，现在不能进行“要求补正”。请刷新办件查看其当前状态。"
    )


def test_reviewer_correction_on_refused_case_conflicts(demo):
    number = refused_case(demo)

    response = request_correction(demo.client("reviewer"), number)

    assert response.status_code == 409
    assert response.json()["code"] == "invalid_transition"


def test_applicant_correction_on_refused_case_forbidden(demo):
    number = refused_case(demo)

    response = request_correction(demo.client("applicant"), number)

    assert response.status_code == 403
    assert Case.objects.get(number=number).state == CaseState.NOT_ACCEPTED


def test_window_page_shows_correction_conflict(demo):
    number = refused_case(demo)

    response = demo.client("clerk").post(
        f"/window/cases/{number}/",
        {"action": "correction", "note": "营业执照复印件不清晰"},
    )

    assert response.status_code == 409
    page = response.content.decode()
    assert 'data-code="invalid_transition"' in page
    assert (
        "The case is not accepted, so a correction request is not possible now." in page
    )


def case_in_review(demo) -> str:
    number = apply(demo.client("applicant"), demo).json()["number"]
    demo.client("clerk").post(
        f"/api/v1/cases/{number}/accept", {}, content_type="application/json"
    )
    outbox.drain()
    assert Case.objects.get(number=number).state == CaseState.IN_REVIEW
    return number


def test_clerk_correction_in_review_conflicts(demo):
    number = case_in_review(demo)

    response = request_correction(demo.client("clerk"), number)

    assert response.status_code == 409
    body = response.json()
    assert body["code"] == "invalid_transition"
    assert body["details"]["state"] == "in_review"
    assert body["details"]["action"] == "request_correction"
    assert body["message"] == (
        "The case is in review, so the window can no longer request corrections: once "
        "a case is accepted, the department's reviewer requests them. Ask the "
        "department's reviewer, or reload the case to see its current state."
    )
    assert Case.objects.get(number=number).state == CaseState.IN_REVIEW


def test_clerk_correction_in_review_in_chinese(demo):
    number = case_in_review(demo)

    response = request_correction(demo.client("clerk"), number, "zh-hans")

    assert response.status_code == 409
    assert response.json()["message"] == (
        "办件当前状态为“审查中”，窗口已不能要求补正：办件受理后由部门审批人员要求补正。"
        "请联系部门审批人员，或刷新办件查看其当前状态。"
    )


def test_reviewer_correction_in_review_accepted(demo):
    number = case_in_review(demo)

    response = request_correction(demo.client("reviewer"), number)

    assert response.status_code == 200, response.content
    assert Case.objects.get(number=number).state == CaseState.CORRECTION_REQUESTED


def test_other_department_correction_not_found(demo):
    number = case_in_review(demo)

    response = request_correction(demo.client("reviewer-public_security"), number)

    assert response.status_code == 404
    assert response.json()["code"] == "case.not_found"


def test_window_page_shows_review_conflict(demo):
    number = case_in_review(demo)

    response = demo.client("clerk").post(
        f"/window/cases/{number}/",
        {"action": "correction", "note": "营业执照复印件不清晰"},
        headers={"Accept-Language": "en"},
    )

    assert response.status_code == 409
    page = response.content.decode()
    assert 'data-code="invalid_transition"' in page
    assert "the window can no longer request corrections" in page
