"""The window records that a result was posted (邮寄送达), shown to the applicant."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from onestop.cases.actions import Posting, deliver_result, record_posting
from onestop.cases.errors import (
    PostingAlreadyRecorded,
    PostingCarrierInvalid,
    PostingDateInvalid,
    PostingInvalid,
    PostingNotRequested,
    TrackingNumberInvalid,
)
from onestop.cases.models import CaseEvent, CaseState
from onestop.core.dates import LOCAL_ZONE
from onestop.core.errors import InvalidTransition
from onestop.core.permissions import RoleRequired
from onestop.testing import issued_social_security_case

ADDRESS = "佛山市禅城区祖庙路1号"


def today() -> datetime.date:
    return timezone.now().astimezone(LOCAL_ZONE).date()


def posting(**changes: str) -> Posting:
    values = {
        "posted_on": today().isoformat(),
        "carrier": "中国邮政 EMS",
        "tracking_number": "EA123456789CN",
    }
    values.update(changes)
    return Posting(**values)


@pytest.fixture
def postal_case(demo):
    return issued_social_security_case(
        demo, delivery="express", delivery_address=ADDRESS
    )


def posting_events(case) -> list[CaseEvent]:
    return list(CaseEvent.objects.filter(case=case, action="record_posting"))


def test_posting_recorded_as_event(demo, postal_case):
    case = record_posting(actor=demo.user("clerk"), case=postal_case, posting=posting())

    events = posting_events(case)
    assert case.state == CaseState.RESULT_ISSUED
    assert len(events) == 1
    assert events[0].from_state == CaseState.RESULT_ISSUED
    assert events[0].to_state == CaseState.RESULT_ISSUED
    assert events[0].actor_role == "clerk"
    assert events[0].data == {
        "posted_on": today().isoformat(),
        "carrier": "中国邮政 EMS",
        "tracking_number": "EA123456789CN",
    }


def test_tracking_number_folded_to_capitals(demo, postal_case):
    record_posting(
        actor=demo.user("clerk"),
        case=postal_case,
        posting=posting(tracking_number=" ｓｆ１２３４５６７８９０１２３ "),
    )

    assert posting_events(postal_case)[0].data["tracking_number"] == "SF1234567890123"


def test_window_pickup_case_rejected(demo):
    case = issued_social_security_case(demo, delivery="window")

    with pytest.raises(PostingNotRequested) as caught:
        record_posting(actor=demo.user("clerk"), case=case, posting=posting())

    assert caught.value.code == "case.posting_not_requested"
    assert str(caught.value.render()) == (
        f"Case {case.number} did not ask for postal delivery (邮寄送达), so there is "
        "no posting to record. Hand the result over at the window instead."
    )
    assert posting_events(case) == []


def test_closed_case_rejected(demo, postal_case):
    closed = deliver_result(actor=demo.user("applicant"), case=postal_case)

    with pytest.raises(InvalidTransition) as caught:
        record_posting(actor=demo.user("clerk"), case=closed, posting=posting())

    assert caught.value.code == "invalid_transition"
    assert "recording the posting" in str(caught.value.render())
    assert posting_events(closed) == []


def test_applicant_may_not_record(demo, postal_case):
    with pytest.raises(RoleRequired):
        record_posting(
            actor=demo.user("applicant"), case=postal_case, posting=posting()
        )

    assert posting_events(postal_case) == []


@pytest.mark.parametrize(
    "posted_on",
    ["2026-02-30", "05/12/2026", "", "tomorrow", "before issue"],
)
def test_posting_date_rejected(demo, postal_case, posted_on):
    if posted_on == "tomorrow":
        posted_on = (today() + datetime.timedelta(days=1)).isoformat()
    if posted_on == "before issue":
        posted_on = (today() - datetime.timedelta(days=1)).isoformat()

    with pytest.raises(PostingDateInvalid) as caught:
        record_posting(
            actor=demo.user("clerk"),
            case=postal_case,
            posting=posting(posted_on=posted_on),
        )

    assert caught.value.code == "case.posting_date_invalid"
    assert str(caught.value.render()) == (
        f"The posting date {posted_on} is invalid: enter a date as YYYY-MM-DD from "
        f"{today().isoformat()}, when the result was issued, to today, "
        f"{today().isoformat()}."
    )
    assert posting_events(postal_case) == []


@pytest.mark.parametrize("carrier", ["", "   ", "顺丰\u200b速运", "邮" * 51])
def test_carrier_rejected(demo, postal_case, carrier):
    with pytest.raises(PostingCarrierInvalid) as caught:
        record_posting(
            actor=demo.user("clerk"), case=postal_case, posting=posting(carrier=carrier)
        )

    assert caught.value.code == "case.posting_carrier_invalid"
    assert "enter the carrier's name in 1 to 50 visible characters" in str(
        caught.value.render()
    )
    assert posting_events(postal_case) == []


@pytest.mark.parametrize(
    "number", ["", "12345", "SF 123456789", "A" * 41, "单号123456"]
)
def test_tracking_number_rejected(demo, postal_case, number):
    with pytest.raises(TrackingNumberInvalid) as caught:
        record_posting(
            actor=demo.user("clerk"),
            case=postal_case,
            posting=posting(tracking_number=number),
        )

    assert caught.value.code == "case.tracking_number_invalid"
    assert "enter the 6 to 40 letters, digits or hyphens printed on the waybill" in (
        str(caught.value.render())
    )
    assert posting_events(postal_case) == []


def test_window_posting_shown_to_applicant(demo, postal_case):
    clerk = demo.client("clerk")
    window_page = clerk.get(f"/window/cases/{postal_case.number}/").content.decode()

    response = clerk.post(
        f"/window/cases/{postal_case.number}/",
        {
            "action": "record_posting",
            "posted_on": today().isoformat(),
            "carrier": "顺丰速运",
            "tracking_number": "SF1234567890123",
        },
    )
    portal_page = (
        demo.client("applicant")
        .get(f"/portal/cases/{postal_case.number}/")
        .content.decode()
    )

    assert 'id="record-posting"' in window_page
    assert f"The applicant chose postal delivery to {ADDRESS}." in window_page
    assert response.status_code == 302
    assert len(posting_events(postal_case)) == 1
    assert (
        f"Posted on {today().isoformat()} by 顺丰速运, tracking number SF1234567890123."
    ) in portal_page
    assert "result posted" in portal_page


def test_window_pickup_page_has_no_posting_form(demo):
    case = issued_social_security_case(demo, delivery="window")

    page = demo.client("clerk").get(f"/window/cases/{case.number}/").content.decode()

    assert 'id="record-posting"' not in page
    assert 'id="deliver-result"' in page


def test_window_reports_invalid_number_in_chinese(demo, postal_case):
    response = demo.client("clerk").post(
        f"/window/cases/{postal_case.number}/",
        {
            "action": "record_posting",
            "posted_on": today().isoformat(),
            "carrier": "顺丰速运",
            "tracking_number": "SF-1",
        },
        headers={"Accept-Language": "zh-hans"},
    )

    assert response.status_code == 400
    page = response.content.decode()
    assert "运单号“SF-1”无效：请填写运单上印有的 6 至 40 位字母、数字或连字符。" in page
    assert 'value="顺丰速运"' in page
    assert posting_events(postal_case) == []


def test_second_posting_rejected(demo, postal_case):
    record_posting(actor=demo.user("clerk"), case=postal_case, posting=posting())

    with pytest.raises(PostingAlreadyRecorded) as caught:
        record_posting(
            actor=demo.user("clerk"),
            case=postal_case,
            posting=posting(tracking_number="SF1234567890123"),
        )

    assert caught.value.code == "case.posting_already_recorded"
    assert caught.value.status == 409
    assert str(caught.value.render()) == (
        f"The posting of case {postal_case.number} is already recorded: posted on "
        f"{today().isoformat()} by 中国邮政 EMS, tracking number EA123456789CN. A "
        "case has one posting, so nothing was recorded. OneStop cannot change a "
        "recorded posting, so if its tracking number is wrong, tell the applicant the "
        "correct one directly."
    )
    assert len(posting_events(postal_case)) == 1


def test_every_invalid_field_reported(demo, postal_case):
    with pytest.raises(PostingInvalid) as caught:
        record_posting(
            actor=demo.user("clerk"),
            case=postal_case,
            posting=Posting(
                posted_on="2026-13-45", carrier=" ", tracking_number="SF123"
            ),
        )

    fields = caught.value.details["fields"]
    assert caught.value.code == "case.posting_invalid"
    assert caught.value.status == 400
    assert list(fields) == ["posted_on", "carrier", "tracking_number"]
    assert fields["posted_on"]["code"] == "case.posting_date_invalid"
    assert fields["carrier"]["code"] == "case.posting_carrier_invalid"
    assert fields["tracking_number"]["code"] == "case.tracking_number_invalid"
    message = str(caught.value.render())
    assert message.startswith("Correct these fields and record the posting again: ")
    assert "The posting date 2026-13-45 is invalid" in message
    assert "The carrier “ ” is invalid" in message
    assert "The tracking number “SF123” is invalid" in message
    assert posting_events(postal_case) == []


def test_full_width_posting_date_read(demo, postal_case):
    full_width = (
        today()
        .isoformat()
        .translate(str.maketrans("0123456789-", "０１２３４５６７８９－"))
    )

    record_posting(
        actor=demo.user("clerk"),
        case=postal_case,
        posting=posting(posted_on=full_width),
    )

    assert posting_events(postal_case)[0].data["posted_on"] == today().isoformat()


def test_window_shows_recorded_posting(demo, postal_case):
    clerk = demo.client("clerk")
    values = {
        "action": "record_posting",
        "posted_on": today().isoformat(),
        "carrier": "顺丰速运",
        "tracking_number": "SF1234567890123",
    }
    clerk.post(f"/window/cases/{postal_case.number}/", values)

    page = clerk.get(f"/window/cases/{postal_case.number}/").content.decode()
    again = clerk.post(
        f"/window/cases/{postal_case.number}/",
        {**values, "tracking_number": "SF9999999999999"},
    )

    assert (
        f"The posting is recorded: posted on {today().isoformat()} by 顺丰速运, "
        "tracking number SF1234567890123."
    ) in page
    assert 'id="record-posting-button"' not in page
    assert again.status_code == 409
    assert 'data-code="case.posting_already_recorded"' in again.content.decode()
    assert len(posting_events(postal_case)) == 1


def test_window_reports_every_field_keeping_values(demo, postal_case):
    response = demo.client("clerk").post(
        f"/window/cases/{postal_case.number}/",
        {
            "action": "record_posting",
            "posted_on": "2026-13-45",
            "carrier": "顺丰速运",
            "tracking_number": "SF123",
        },
    )

    page = response.content.decode()
    assert response.status_code == 400
    assert 'id="error-posted_on"' in page
    assert 'id="error-tracking_number"' in page
    assert 'id="error-carrier"' not in page
    assert 'value="2026-13-45"' in page
    assert 'value="顺丰速运"' in page
    assert 'value="SF123"' in page
    assert posting_events(postal_case) == []
