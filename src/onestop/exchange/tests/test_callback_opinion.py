"""The review opinion of a department system's decision: required for a denial, at most
2000 characters either way, and recorded on the case as a reviewer's opinion is."""

from __future__ import annotations

import pytest

from onestop.cases.actions import apply_department_result
from onestop.cases.errors import OpinionRequired
from onestop.cases.models import CaseState
from onestop.exchange.models import DepartmentCallback
from onestop.exchange.simulator import _callback
from onestop.exchange.testing import (
    callback_for,
    signed,
)

pytestmark = pytest.mark.django_db

URL = "/api/v1/exchange/callbacks"
OPINION = "经审查，经营场所不符合食品安全要求"


def post(client, callback, key, language="en"):
    return client.post(
        URL,
        signed(callback, key),
        content_type="application/json",
        headers={"Accept-Language": language},
    )


def denial_without_opinion(envelope):
    callback = callback_for(envelope, "denied")
    callback.pop("opinion")
    return callback


def assert_case_unchanged(envelope):
    envelope.case.refresh_from_db()
    assert envelope.case.state == CaseState.ACCEPTED
    assert envelope.case.opinion == ""
    assert not DepartmentCallback.objects.exists()


def test_denial_without_opinion_rejected(client, key, envelope):
    response = post(client, denial_without_opinion(envelope), key)

    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "exchange.opinion_required"
    assert body["message"] == (
        "A denied callback must carry the review opinion in callback.opinion, because "
        "the decision states it to the applicant. Add the opinion and send the "
        "callback again."
    )
    assert_case_unchanged(envelope)


def test_denial_with_blank_opinion_rejected(client, key, envelope):
    callback = denial_without_opinion(envelope)
    callback["opinion"] = " \n "

    response = post(client, callback, key)

    assert response.status_code == 400
    assert response.json()["code"] == "exchange.opinion_required"
    assert_case_unchanged(envelope)


def test_denial_without_opinion_in_chinese(client, key, envelope):
    response = post(client, denial_without_opinion(envelope), key, "zh-hans")

    assert response.json()["message"] == (
        "不予批准的回调必须在 callback.opinion 中载明审批意见，决定书将向申请人载明该"
        "意见。请补充审批意见后重新发送回调。"
    )


@pytest.mark.parametrize("status", ["approved", "denied"])
def test_opinion_over_2000_characters_rejected(client, key, envelope, status):
    callback = callback_for(envelope, status, opinion="审" * 2001)

    response = post(client, callback, key)

    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "exchange.opinion_too_long"
    assert body["message"] == (
        "callback.opinion has 2001 characters; the maximum is 2000. Shorten the "
        "review opinion and send the callback again."
    )
    assert_case_unchanged(envelope)


def test_denial_opinion_shown_to_applicant(client, demo, key, envelope):
    callback = callback_for(envelope, "denied", opinion=f"  {OPINION}\r\n")

    response = post(client, callback, key)

    assert response.status_code == 200, response.content
    number = envelope.case.number
    applicant = demo.client("applicant")
    case = applicant.get(f"/api/v1/cases/{number}").json()
    assert case["state"] == CaseState.RESULT_ISSUED
    assert case["opinion"] == OPINION
    assert case["events"][-2]["reason"] == OPINION
    page = applicant.get(f"/portal/cases/{number}/").content.decode()
    assert f"<dd>{OPINION}</dd>" in page
    result = envelope.case.documents.get(kind="result")
    assert result.data["opinion"] == OPINION


@pytest.mark.parametrize("status", ["denied", "approved"])
def test_reason_member_rejected(client, key, envelope, status):
    callback = callback_for(envelope, status)
    callback.pop("opinion")
    callback["reason"] = OPINION

    response = post(client, callback, key)

    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "exchange.reason_member_removed"
    assert body["message"] == (
        "The callback has the member callback.reason, which OneStop no longer reads. "
        "Send the review opinion, the text of a denial, in callback.opinion instead, "
        "and send the callback again."
    )
    assert body["details"] == {"member": "callback.reason", "use": "callback.opinion"}
    assert_case_unchanged(envelope)


def test_reason_member_rejected_in_chinese(client, key, envelope):
    callback = denial_without_opinion(envelope)
    callback["reason"] = OPINION

    response = post(client, callback, key, "zh-hans")

    assert response.json()["message"] == (
        "回调含有成员 callback.reason，OneStop 已不再读取该成员。请改在 "
        "callback.opinion 中载明审批意见（即不予批准的理由），然后重新发送回调。"
    )


def test_approval_without_opinion_applied(client, key, envelope):
    callback = callback_for(envelope, "approved")
    callback.pop("opinion")

    response = post(client, callback, key)

    assert response.status_code == 200, response.content
    envelope.case.refresh_from_db()
    assert envelope.case.state == CaseState.RESULT_ISSUED
    assert envelope.case.opinion == ""


@pytest.mark.parametrize("status", ["approved", "denied"])
def test_simulator_decision_carries_opinion(client, key, envelope, status):
    callback = _callback(envelope.body, status)

    response = post(client, callback, key)

    assert response.status_code == 200, response.content
    envelope.case.refresh_from_db()
    assert envelope.case.opinion == callback["opinion"]
    assert envelope.case.opinion


def test_department_denial_action_requires_opinion(envelope):
    with pytest.raises(OpinionRequired):
        apply_department_result(case=envelope.case, decision="denied", opinion=" ")

    envelope.case.refresh_from_db()
    assert envelope.case.state == CaseState.ACCEPTED
