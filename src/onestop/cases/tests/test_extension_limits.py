"""The maximum extension of a case in the rule's own unit, counted on the real calendar.

The dates below are counted on the State Council schedules of 2025 and 2026 that
`chinesecalendar` 1.11 ships. The ID card renewal has a statutory limit of 60 natural
days and allows 30 natural days of extension. The household registration transfer's
guide sets no extension, so the default of 10 working days applies.
"""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine

from onestop.cases.models import Case, CaseExtension
from onestop.cases.tests.test_clock import apply_and_accept, at, dues, post

pytestmark = pytest.mark.django_db

ID_CARD = "id-card-renewal"
TRANSFER = "household-registration-transfer"
REVIEWER = "reviewer-public_security"


def request_extension(demo, number, days, when, language="en"):
    with time_machine.travel(when, tick=False):
        return demo.client(REVIEWER).post(
            f"/api/v1/cases/{number}/extensions",
            {"working_days": days, "reason": "需要核查户籍档案"},
            content_type="application/json",
            headers={"Accept-Language": language},
        )


def approve(demo, extension, when):
    return post(
        demo.client("supervisor"),
        f"/api/v1/cases/extensions/{extension}/approve",
        {"note": "同意"},
        when,
    )


def id_card_case(demo):
    # Monday 3 August 2026 plus 60 natural days is Friday 2 October, a rest day of the
    # National Day holiday, so the statutory due date is Thursday 8 October. Thirty
    # natural days later is Saturday 7 November, so the extension ends on Monday
    # 9 November: 23 working days, with the make-up Saturday 10 October.
    number, body = apply_and_accept(demo, at(2026, 8, 3), matter=ID_CARD)
    assert body["statutory_due"] == "2026-10-08"
    return number


def test_natural_day_limit_in_working_days(demo):
    number = id_card_case(demo)

    response = request_extension(demo, number, 100, at(2026, 8, 4))

    assert response.status_code == 400
    assert response.json()["code"] == "case.invalid_extension_days"
    assert response.json()["message"] == (
        f"An extension of 100 working days is not allowed for the case {number}. "
        "The matter's guide allows at most 30 natural days of extension in total, "
        "which is 23 working days counted on the centre's work calendar from the "
        "statutory due date 2026-10-08. Request from 1 to 23 working days."
    )
    assert response.json()["details"]["maximum"] == 23
    assert response.json()["details"]["limit"] == {
        "amount": 30,
        "unit": "natural_days",
        "working_days": 23,
        "from_guide": True,
        "counted_from": "2026-10-08",
    }
    assert not CaseExtension.objects.filter(case__number=number).exists()


def test_natural_day_limit_in_chinese(demo):
    number = id_card_case(demo)

    response = request_extension(demo, number, 100, at(2026, 8, 4), "zh-hans")

    assert response.json()["message"] == (
        f"案件 {number} 不能延期 100 个工作日。本事项办事指南规定累计最多可延期 30 个"
        "自然日，按本中心工作日历自法定办结日期 2026-10-08 起算为 23 个工作日。"
        "请申请 1 至 23 个工作日。"
    )


def test_full_natural_day_extension_dates(demo):
    number = id_card_case(demo)
    extension = request_extension(demo, number, 23, at(2026, 8, 4))
    assert extension.status_code == 201, extension.content

    response = approve(demo, extension.json()["id"], at(2026, 8, 5))

    # The promised date, Monday 24 August 2026 (3 August plus 20 natural days), moves
    # by the same 23 working days, with the make-up Sunday 20 September.
    assert response.status_code == 200, response.content
    assert dues(number) == (dt.date(2026, 9, 23), dt.date(2026, 11, 9))


def test_natural_day_extension_days_used_up(demo):
    number = id_card_case(demo)
    approve(
        demo,
        request_extension(demo, number, 23, at(2026, 8, 4)).json()["id"],
        at(2026, 8, 5),
    )

    response = request_extension(demo, number, 1, at(2026, 8, 6))

    assert response.status_code == 409
    assert response.json()["code"] == "case.extension_days_used_up"
    assert response.json()["message"] == (
        f"The case {number} has no extension days left, because extensions of 23 "
        "working days are approved or waiting for a decision. The matter's guide "
        "allows at most 30 natural days of extension in total, which is 23 working "
        "days counted on the centre's work calendar from the statutory due date "
        "2026-10-08."
    )


def test_approval_rechecks_natural_day_total(demo):
    number = id_card_case(demo)
    first = request_extension(demo, number, 20, at(2026, 8, 4)).json()["id"]
    case = Case.objects.get(number=number)
    second = CaseExtension.objects.create(
        centre=case.centre,
        case=case,
        working_days=20,
        reason="需要核查户籍档案",
        requested_by=demo.user(REVIEWER),
    )
    approve(demo, first, at(2026, 8, 5))
    before = dues(number)

    response = approve(demo, second.pk, at(2026, 8, 5))

    assert response.status_code == 409
    assert response.json()["code"] == "case.extension_approval_over_limit"
    assert response.json()["message"] == (
        f"The extension request {second.pk} adds 20 working days, but extensions of "
        f"20 working days of the case {number} are approved already, which leaves 3 "
        "working days. The matter's guide allows at most 30 natural days of "
        "extension in total, which is 23 working days counted on the centre's work "
        "calendar from the statutory due date 2026-10-08. Reject this request "
        "instead."
    )
    assert dues(number) == before


def test_approval_recounts_after_special_procedure(demo):
    # Accepted on Thursday 6 November 2025, the statutory due date is Monday 5 January
    # 2026, and 30 natural days give 22 working days up to 4 February. A special
    # procedure from 10 to 27 November moves the due date to Thursday 22 January.
    # Thirty natural days later is 21 February, in the Spring Festival holiday, so the
    # extension ends on Tuesday 24 February: 18 working days.
    number, body = apply_and_accept(demo, at(2025, 11, 6), matter=ID_CARD)
    requested = request_extension(demo, number, 22, at(2025, 11, 7))
    reviewer = demo.client(REVIEWER)
    post(
        reviewer,
        f"/api/v1/cases/{number}/special-procedure",
        {"procedure": "inspection", "reason": "核查户籍档案"},
        at(2025, 11, 10),
    )
    post(
        reviewer,
        f"/api/v1/cases/{number}/special-procedure/end",
        {"reason": "核查完毕"},
        at(2025, 11, 27),
    )

    response = approve(demo, requested.json()["id"], at(2025, 11, 28))

    assert body["statutory_due"] == "2026-01-05"
    assert requested.status_code == 201, requested.content
    assert response.status_code == 409
    assert response.json()["code"] == "case.extension_approval_over_limit"
    assert response.json()["details"]["left"] == 18
    assert response.json()["details"]["limit"]["counted_from"] == "2026-01-22"
    assert "which is 18 working days counted" in response.json()["message"]


def test_default_limit_is_not_called_matter_rule(demo):
    number, _body = apply_and_accept(demo, at(2026, 3, 2, 9), matter=TRANSFER)

    response = request_extension(demo, number, 100, at(2026, 3, 3))

    assert response.status_code == 400
    assert response.json()["message"] == (
        f"An extension of 100 working days is not allowed for the case {number}. "
        "The matter's guide sets no extension limit, so the default limit applies: "
        "at most 10 working days in total. Request from 1 to 10 working days."
    )
    assert response.json()["details"]["limit"] == {
        "amount": 10,
        "unit": "working_days",
        "working_days": 10,
        "from_guide": False,
        "counted_from": None,
    }


def test_default_limit_in_chinese(demo):
    number, _body = apply_and_accept(demo, at(2026, 3, 2, 9), matter=TRANSFER)

    response = request_extension(demo, number, 100, at(2026, 3, 3), "zh-hans")

    assert response.json()["message"] == (
        f"案件 {number} 不能延期 100 个工作日。本事项办事指南未规定延期期限，适用默认"
        "上限：累计最多延期 10 个工作日。请申请 1 至 10 个工作日。"
    )


def test_office_page_states_natural_day_limit(demo):
    number = id_card_case(demo)

    with time_machine.travel(at(2026, 8, 4), tick=False):
        page = demo.client(REVIEWER).get(f"/office/cases/{number}/").content.decode()

    assert (
        "The matter&#x27;s guide allows at most 30 natural days of extension in "
        "total, which is 23 working days counted on the centre&#x27;s work calendar "
        "from the statutory due date 2026-10-08. This case may request at most 23 "
        "working days." in page
    )
    assert 'name="working_days" min="1" max="23" value="23"' in page
