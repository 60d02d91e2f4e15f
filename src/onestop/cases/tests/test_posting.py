"""The window records that a result was posted (邮寄送达), shown to the applicant, and
corrects a recorded posting with a reason."""

from __future__ import annotations

import datetime
import json

import pytest
from django.utils import timezone

from onestop.cases.actions import (
    Posting,
    correct_posting,
    deliver_result,
    record_posting,
)
from onestop.cases.actions.posting import recorded_posting
from onestop.cases.errors import (
    PostingAlreadyRecorded,
    PostingCarrierInvalid,
    PostingCorrectionInvalid,
    PostingDateInvalid,
    PostingInvalid,
    PostingNotRecorded,
    PostingNotRequested,
    PostingUnchanged,
    ReasonCharacterInvalid,
    ReasonRequired,
    ReasonTooLong,
    TrackingNumberInvalid,
)
from onestop.cases.models import CaseEvent, CaseState
from onestop.core.dates import LOCAL_ZONE
from onestop.core.errors import InvalidTransition
from onestop.core.ledger.models import LedgerEntry
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
        "case has one posting, so nothing was recorded. If a value is wrong, use "
        "Correct the posting on the case page and give the reason."
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


# --- corrections ----------------------------------------------------------------------

REASON = "运单号录入错误，按运单更正。"


def correction_events(case) -> list[CaseEvent]:
    return list(CaseEvent.objects.filter(case=case, action="correct_posting"))


def ledger_actions(demo) -> list[str]:
    entries = LedgerEntry.objects.filter(
        kind="case.transition", centre_id=demo.centre.pk
    ).order_by("pk")
    return [json.loads(bytes(entry.data))["body"]["action"] for entry in entries]


@pytest.fixture
def posted_case(demo, postal_case):
    return record_posting(actor=demo.user("clerk"), case=postal_case, posting=posting())


def test_correction_recorded_as_event(demo, posted_case):
    case = correct_posting(
        actor=demo.user("clerk"),
        case=posted_case,
        posting=posting(tracking_number="ea987654321cn"),
        reason=f"  {REASON}\r\n",
    )

    corrections = correction_events(case)
    assert case.state == CaseState.RESULT_ISSUED
    assert len(corrections) == 1
    assert corrections[0].from_state == CaseState.RESULT_ISSUED
    assert corrections[0].to_state == CaseState.RESULT_ISSUED
    assert corrections[0].actor_role == "clerk"
    assert corrections[0].reason == REASON
    assert corrections[0].data == {
        "posted_on": today().isoformat(),
        "carrier": "中国邮政 EMS",
        "tracking_number": "EA987654321CN",
        "replaced": {
            "posted_on": today().isoformat(),
            "carrier": "中国邮政 EMS",
            "tracking_number": "EA123456789CN",
        },
    }


def test_correction_keeps_earlier_event(demo, posted_case):
    correct_posting(
        actor=demo.user("clerk"),
        case=posted_case,
        posting=posting(carrier="顺丰速运"),
        reason=REASON,
    )

    events = posting_events(posted_case)
    assert len(events) == 1
    assert events[0].data["carrier"] == "中国邮政 EMS"
    assert events[0].reason == ""


def test_latest_correction_is_current(demo, posted_case):
    clerk = demo.user("clerk")
    correct_posting(
        actor=clerk,
        case=posted_case,
        posting=posting(carrier="顺丰速运"),
        reason=REASON,
    )
    correct_posting(
        actor=clerk,
        case=posted_case,
        posting=posting(carrier="京东物流"),
        reason="寄递企业填错。",
    )

    current = recorded_posting(posted_case)
    corrections = correction_events(posted_case)
    assert current is not None
    assert current.action == "correct_posting"
    assert current.data["carrier"] == "京东物流"
    assert len(corrections) == 2
    assert corrections[1].data["replaced"]["carrier"] == "顺丰速运"


def test_correction_queues_ledger_entry(demo, posted_case):
    before = ledger_actions(demo)

    correct_posting(
        actor=demo.user("clerk"),
        case=posted_case,
        posting=posting(tracking_number="EA987654321CN"),
        reason=REASON,
    )

    assert before[-1] == "record_posting"
    assert ledger_actions(demo) == [*before, "correct_posting"]


def test_second_posting_names_corrected_values(demo, posted_case):
    correct_posting(
        actor=demo.user("clerk"),
        case=posted_case,
        posting=posting(tracking_number="EA987654321CN"),
        reason=REASON,
    )

    with pytest.raises(PostingAlreadyRecorded) as caught:
        record_posting(actor=demo.user("clerk"), case=posted_case, posting=posting())

    assert caught.value.details["tracking_number"] == "EA987654321CN"
    assert "tracking number EA987654321CN" in str(caught.value.render())


def test_correction_without_posting_rejected(demo, postal_case):
    before = ledger_actions(demo)

    with pytest.raises(PostingNotRecorded) as caught:
        correct_posting(
            actor=demo.user("clerk"),
            case=postal_case,
            posting=posting(),
            reason=REASON,
        )

    assert caught.value.code == "case.posting_not_recorded"
    assert caught.value.status == 409
    assert str(caught.value.render()) == (
        f"No posting of case {postal_case.number} is recorded, so there is nothing "
        "to correct. Record the posting first."
    )
    assert correction_events(postal_case) == []
    assert ledger_actions(demo) == before


@pytest.mark.parametrize("reason", ["", "  \r\n "])
def test_correction_without_reason_rejected(demo, posted_case, reason):
    with pytest.raises(ReasonRequired) as caught:
        correct_posting(
            actor=demo.user("clerk"),
            case=posted_case,
            posting=posting(tracking_number="EA987654321CN"),
            reason=reason,
        )

    assert caught.value.code == "case.reason_required"
    assert caught.value.details["field"] == "reason"
    assert str(caught.value.render()) == (
        "Give a reason: correcting the posting needs one."
    )
    assert correction_events(posted_case) == []


def test_correction_reason_too_long_rejected(demo, posted_case):
    with pytest.raises(ReasonTooLong) as caught:
        correct_posting(
            actor=demo.user("clerk"),
            case=posted_case,
            posting=posting(tracking_number="EA987654321CN"),
            reason="错" * 2001,
        )

    assert caught.value.code == "case.reason_too_long"
    assert str(caught.value.render()) == (
        "The reason for correcting the posting has 2001 characters; the maximum is "
        "2000. Shorten it."
    )
    assert correction_events(posted_case) == []


def test_correction_reason_hidden_character_rejected(demo, posted_case):
    with pytest.raises(ReasonCharacterInvalid) as caught:
        correct_posting(
            actor=demo.user("clerk"),
            case=posted_case,
            posting=posting(tracking_number="EA987654321CN"),
            reason="运单号\u200b填错",
        )

    assert caught.value.code == "case.reason_character_invalid"
    assert str(caught.value.render()) == (
        "The reason for correcting the posting contains the invisible or control "
        "character U+200B (ZERO WIDTH SPACE). Type the reason again with visible "
        "characters and line breaks only."
    )
    assert correction_events(posted_case) == []


def test_correction_reason_keeps_line_breaks(demo, posted_case):
    correct_posting(
        actor=demo.user("clerk"),
        case=posted_case,
        posting=posting(tracking_number="EA987654321CN"),
        reason="运单号填错。\r\n已电话告知申请人。",
    )

    assert correction_events(posted_case)[0].reason == (
        "运单号填错。\n已电话告知申请人。"
    )


@pytest.mark.parametrize(
    "tracking_number",
    ["EA123456789CN", " ea123456789cn ", "ＥＡ１２３４５６７８９ＣＮ"],
)
def test_unchanged_correction_rejected(demo, posted_case, tracking_number):
    before = ledger_actions(demo)

    with pytest.raises(PostingUnchanged) as caught:
        correct_posting(
            actor=demo.user("clerk"),
            case=posted_case,
            posting=posting(tracking_number=tracking_number),
            reason=REASON,
        )

    assert caught.value.code == "case.posting_unchanged"
    assert caught.value.status == 400
    assert str(caught.value.render()) == (
        f"The correction changes nothing: the posting of case {posted_case.number} "
        f"is already posted on {today().isoformat()} by 中国邮政 EMS, tracking "
        "number EA123456789CN. Change the posting date, the carrier or the tracking "
        "number."
    )
    assert correction_events(posted_case) == []
    assert ledger_actions(demo) == before


def test_every_invalid_correction_field_reported(demo, posted_case):
    with pytest.raises(PostingCorrectionInvalid) as caught:
        correct_posting(
            actor=demo.user("clerk"),
            case=posted_case,
            posting=Posting(
                posted_on="2026-13-45", carrier=" ", tracking_number="SF123"
            ),
            reason=" ",
        )

    fields = caught.value.details["fields"]
    assert caught.value.code == "case.posting_correction_invalid"
    assert caught.value.status == 400
    assert list(fields) == ["posted_on", "carrier", "tracking_number", "reason"]
    assert fields["posted_on"]["code"] == "case.posting_date_invalid"
    assert fields["carrier"]["code"] == "case.posting_carrier_invalid"
    assert fields["tracking_number"]["code"] == "case.tracking_number_invalid"
    assert fields["reason"]["code"] == "case.reason_required"
    message = str(caught.value.render())
    assert message.startswith("Correct these fields and submit the correction again: ")
    assert "The posting date 2026-13-45 is invalid" in message
    assert "The carrier “ ” is invalid" in message
    assert "The tracking number “SF123” is invalid" in message
    assert "Give a reason: correcting the posting needs one." in message
    assert correction_events(posted_case) == []


def test_applicant_may_not_correct(demo, posted_case):
    with pytest.raises(RoleRequired):
        correct_posting(
            actor=demo.user("applicant"),
            case=posted_case,
            posting=posting(tracking_number="EA987654321CN"),
            reason=REASON,
        )

    assert correction_events(posted_case) == []


def test_other_centre_clerk_may_not_correct(demo, other_centre, posted_case):
    before = ledger_actions(demo)

    with pytest.raises(RoleRequired) as caught:
        correct_posting(
            actor=demo.user("nanhai-clerk"),
            case=posted_case,
            posting=posting(tracking_number="EA987654321CN"),
            reason=REASON,
        )

    assert caught.value.code == "permission.role_required"
    assert correction_events(posted_case) == []
    assert ledger_actions(demo) == before


def test_correction_of_closed_case_rejected(demo, posted_case):
    closed = deliver_result(actor=demo.user("applicant"), case=posted_case)

    with pytest.raises(InvalidTransition) as caught:
        correct_posting(
            actor=demo.user("clerk"),
            case=closed,
            posting=posting(tracking_number="EA987654321CN"),
            reason=REASON,
        )

    assert caught.value.code == "invalid_transition"
    assert "correcting the posting is not possible now" in str(caught.value.render())
    assert correction_events(closed) == []


def test_window_correction_shown_everywhere(demo, posted_case):
    clerk = demo.client("clerk")
    page = clerk.get(f"/window/cases/{posted_case.number}/").content.decode()

    response = clerk.post(
        f"/window/cases/{posted_case.number}/",
        {
            "action": "correct_posting",
            "posted_on": today().isoformat(),
            "carrier": "顺丰速运",
            "tracking_number": "SF1234567890123",
            "reason": REASON,
        },
    )
    window_page = clerk.get(f"/window/cases/{posted_case.number}/").content.decode()
    portal_page = (
        demo.client("applicant")
        .get(f"/portal/cases/{posted_case.number}/")
        .content.decode()
    )

    assert 'id="correct-posting"' in page
    assert 'name="tracking_number" maxlength="40" value="EA123456789CN"' in page
    assert response.status_code == 302
    assert len(correction_events(posted_case)) == 1
    assert (
        f"The posting is recorded: posted on {today().isoformat()} by 顺丰速运, "
        "tracking number SF1234567890123."
    ) in window_page
    assert 'name="tracking_number" maxlength="40" value="SF1234567890123"' in (
        window_page
    )
    assert (
        f"Posted on {today().isoformat()} by 顺丰速运, tracking number SF1234567890123."
    ) in portal_page
    assert "EA123456789CN" not in portal_page
    assert "result posted" in portal_page
    assert "posting corrected" in portal_page
    assert REASON in portal_page


def test_window_hides_correction_before_posting(demo, postal_case):
    page = (
        demo.client("clerk")
        .get(f"/window/cases/{postal_case.number}/")
        .content.decode()
    )

    assert 'id="record-posting-button"' in page
    assert 'id="correct-posting"' not in page


def test_window_correction_keeps_typed_values(demo, posted_case):
    response = demo.client("clerk").post(
        f"/window/cases/{posted_case.number}/",
        {
            "action": "correct_posting",
            "posted_on": "2026-13-45",
            "carrier": "顺丰速运",
            "tracking_number": "SF123",
            "reason": "",
        },
    )

    page = response.content.decode()
    assert response.status_code == 400
    assert 'data-code="case.posting_correction_invalid"' in page
    assert 'id="error-posted_on"' in page
    assert 'id="error-tracking_number"' in page
    assert 'id="error-reason"' in page
    assert 'id="error-carrier"' not in page
    assert 'value="2026-13-45"' in page
    assert 'value="顺丰速运"' in page
    assert 'value="SF123"' in page
    assert correction_events(posted_case) == []


def test_window_correction_keeps_typed_reason(demo, posted_case):
    response = demo.client("clerk").post(
        f"/window/cases/{posted_case.number}/",
        {
            "action": "correct_posting",
            "posted_on": today().isoformat(),
            "carrier": "中国邮政 EMS",
            "tracking_number": "SF123",
            "reason": REASON,
        },
    )

    page = response.content.decode()
    assert response.status_code == 400
    assert 'id="error-tracking_number"' in page
    assert f">{REASON}</textarea>" in page
    assert correction_events(posted_case) == []


def test_window_reports_unchanged_in_chinese(demo, posted_case):
    response = demo.client("clerk").post(
        f"/window/cases/{posted_case.number}/",
        {
            "action": "correct_posting",
            "posted_on": today().isoformat(),
            "carrier": "中国邮政 EMS",
            "tracking_number": "EA123456789CN",
            "reason": REASON,
        },
        headers={"Accept-Language": "zh-hans"},
    )

    page = response.content.decode()
    assert response.status_code == 400
    assert (
        f"本次更正没有改动任何信息：办件 {posted_case.number} 的邮寄信息已是于 "
        f"{today().isoformat()} 由中国邮政 EMS 寄出，运单号 EA123456789CN。"
        "请修改邮寄日期、寄递企业或运单号。"
    ) in page
    assert correction_events(posted_case) == []


def test_window_reports_missing_reason_in_chinese(demo, posted_case):
    response = demo.client("clerk").post(
        f"/window/cases/{posted_case.number}/",
        {
            "action": "correct_posting",
            "posted_on": today().isoformat(),
            "carrier": "中国邮政 EMS",
            "tracking_number": "EA987654321CN",
            "reason": "",
        },
        headers={"Accept-Language": "zh-hans"},
    )

    page = response.content.decode()
    assert response.status_code == 400
    assert "请填写理由：更正邮寄信息必须说明理由。" in page
    assert 'id="error-reason"' in page
    assert correction_events(posted_case) == []
