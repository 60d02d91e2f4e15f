"""Reasons for not accepting and for extensions follow the opinion's rule: required, at
most 2000 characters after trimming, and a page that rejects one shows the text again."""

from __future__ import annotations

import pytest
import time_machine

from onestop.cases.models import Case, CaseExtension, CaseState
from onestop.cases.reasons import MAX_LENGTH
from onestop.cases.tests.test_api_flow import apply
from onestop.cases.tests.test_clock import apply_and_accept, at
from onestop.cases.tests.test_decision_opinion import case_in_review, decide

pytestmark = pytest.mark.django_db

TOO_LONG = "理" * (MAX_LENGTH + 1)


def refuse(demo, number: str, reason: str, language: str = "en"):
    return demo.client("clerk").post(
        f"/api/v1/cases/{number}/refuse",
        {"reason": reason},
        content_type="application/json",
        headers={"Accept-Language": language},
    )


def request_extension(demo, number: str, reason: str):
    with time_machine.travel(at(2026, 3, 3), tick=False):
        return demo.client("reviewer").post(
            f"/api/v1/cases/{number}/extensions",
            {"working_days": 3, "reason": reason},
            content_type="application/json",
        )


def submitted_case(demo) -> str:
    return apply(demo.client("applicant"), demo).json()["number"]


def test_refusal_reason_over_limit_rejected(demo):
    number = submitted_case(demo)

    response = refuse(demo, number, TOO_LONG)

    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "case.reason_too_long"
    assert body["message"] == (
        "The reason for not accepting a case has 2001 characters; the maximum is "
        "2000. Shorten it."
    )
    assert Case.objects.get(number=number).state == CaseState.SUBMITTED


def test_refusal_reason_over_limit_in_chinese(demo):
    number = submitted_case(demo)

    response = refuse(demo, number, TOO_LONG, "zh-hans")

    assert response.json()["message"] == (
        "不予受理的理由有 2001 个字符，最多 2000 个。请缩短后再提交。"
    )
    assert response.json()["details"] == {
        "length": 2001,
        "max": 2000,
        "action": "refuse",
    }


def test_refusal_reason_of_limit_stored_trimmed(demo):
    number = submitted_case(demo)

    response = refuse(demo, number, f"  {'理' * MAX_LENGTH}\n")

    assert response.status_code == 200, response.content
    assert Case.objects.get(number=number).refusal_reason == "理" * MAX_LENGTH


def test_refusal_without_reason_rejected(demo):
    number = submitted_case(demo)

    response = refuse(demo, number, "   ", "zh-hans")

    assert response.status_code == 400
    assert response.json()["code"] == "case.reason_required"
    assert response.json()["details"] == {"action": "refuse"}


def test_window_page_keeps_too_long_reason(demo):
    number = submitted_case(demo)
    typed = "不属于本机关职权范围。" * 200

    response = demo.client("clerk").post(
        f"/window/cases/{number}/", {"action": "refuse", "reason": typed}
    )

    assert response.status_code == 400
    page = response.content.decode()
    assert 'data-code="case.reason_too_long"' in page
    assert f">{typed}</textarea>" in page
    assert Case.objects.get(number=number).state == CaseState.SUBMITTED


def test_extension_reason_over_limit_rejected(demo):
    number, _body = apply_and_accept(demo, at(2026, 3, 2, 9))

    response = request_extension(demo, number, TOO_LONG)

    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "case.reason_too_long"
    assert body["message"] == (
        "The reason for requesting an extension has 2001 characters; the maximum is "
        "2000. Shorten it."
    )
    assert body["details"]["action"] == "request_extension"
    assert not CaseExtension.objects.filter(case__number=number).exists()


def test_extension_reason_of_limit_accepted(demo):
    number, _body = apply_and_accept(demo, at(2026, 3, 2, 9))

    response = request_extension(demo, number, "理" * MAX_LENGTH)

    assert response.status_code == 201, response.content
    assert CaseExtension.objects.get(case__number=number).reason == "理" * MAX_LENGTH


def test_office_page_keeps_too_long_extension_reason(demo):
    number, _body = apply_and_accept(demo, at(2026, 3, 2, 9))
    typed = "需要现场核查。" * 300

    with time_machine.travel(at(2026, 3, 3), tick=False):
        response = demo.client("reviewer").post(
            f"/office/cases/{number}/",
            {"action": "extension", "working_days": "3", "reason": typed},
        )

    assert response.status_code == 400
    page = response.content.decode()
    assert 'data-code="case.reason_too_long"' in page
    assert f">{typed}</textarea>" in page
    assert 'name="working_days" min="1" max="5" value="3"' in page
    assert not CaseExtension.objects.filter(case__number=number).exists()


@pytest.mark.parametrize("decision", ["approve", "reject"])
def test_extension_decision_note_over_limit(demo, decision):
    number, _body = apply_and_accept(demo, at(2026, 3, 2, 9))
    extension_id = request_extension(demo, number, "需要现场核查").json()["id"]

    with time_machine.travel(at(2026, 3, 4), tick=False):
        response = demo.client("supervisor").post(
            f"/api/v1/cases/extensions/{extension_id}/{decision}",
            {"note": TOO_LONG},
            content_type="application/json",
        )

    assert response.status_code == 400
    assert response.json()["code"] == "case.reason_too_long"
    extension = CaseExtension.objects.get(pk=extension_id)
    assert extension.status == CaseExtension.Status.REQUESTED


def test_opinion_with_crlf_counts_line_breaks_once(demo):
    # A text box with maxlength 2000 counts each line break as one character, but the
    # browser submits it as CRLF: 1994 characters typed arrive as 2392.
    number = case_in_review(demo)
    typed = "准予许可\r\n" * 398 + "准予许可"

    response = decide(demo, number, "approve", typed)

    assert response.status_code == 200, response.content
    assert Case.objects.get(number=number).opinion == typed.replace("\r\n", "\n")
