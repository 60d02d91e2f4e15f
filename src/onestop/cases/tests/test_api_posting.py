"""Recording and correcting a posting (邮寄送达) through the API, with a bearer token:
the window's two actions, their errors, their scoping and the case history."""

from __future__ import annotations

import datetime
import re
from pathlib import Path

import pytest
from django.test import Client
from django.utils import timezone

from onestop.cases.models import CaseEvent
from onestop.core.actions import issue_api_token
from onestop.core.dates import LOCAL_ZONE
from onestop.core.models import AuditEvent, Membership, Role
from onestop.testing import issued_social_security_case

pytestmark = pytest.mark.django_db

ADDRESS = "佛山市禅城区祖庙路1号"
REASON = "运单号录入错误，按运单更正。"
API_DOCS = Path(__file__).resolve().parents[4] / "docs" / "api.md"
# The body of a curl command of docs/api.md that posts to a posting path, with the shell
# variable $D, the day of posting, spliced between two quoted parts.
DOCUMENTED_POSTING = re.compile(
    r"curl -s -X POST \$B/cases/\$N/(?P<path>posting(?:/correct)?) "
    r"-H \"Authorization: Bearer \$C\" \\\n"
    r"  -H 'Content-Type: application/json' \\\n"
    r"  -d '(?P<body>\{.*?\})'\n",
    re.DOTALL,
)


def today() -> str:
    return timezone.now().astimezone(LOCAL_ZONE).date().isoformat()


def posting(**changes: str) -> dict[str, str]:
    values = {
        "posted_on": today(),
        "carrier": "中国邮政 EMS",
        "tracking_number": "EA123456789CN",
    }
    values.update(changes)
    return values


def bearer_client(demo, username: str) -> Client:
    """Return a client that sends a new token of `username` and no session cookie."""
    token = issue_api_token(actor=demo.user(username), name="test")
    return Client(headers={"Authorization": f"Bearer {token}"})


def record(client: Client, number: str, body: dict[str, str], **headers: str):
    return client.post(
        f"/api/v1/cases/{number}/posting",
        body,
        content_type="application/json",
        headers=headers,
    )


def correct(client: Client, number: str, body: dict[str, str], **headers: str):
    return client.post(
        f"/api/v1/cases/{number}/posting/correct",
        body,
        content_type="application/json",
        headers=headers,
    )


def posting_events(case) -> list[CaseEvent]:
    return list(
        CaseEvent.objects.filter(
            case=case, action__in=["record_posting", "correct_posting"]
        ).order_by("pk")
    )


@pytest.fixture
def postal_case(demo):
    return issued_social_security_case(
        demo, delivery="express", delivery_address=ADDRESS
    )


@pytest.fixture
def clerk(demo) -> Client:
    return bearer_client(demo, "clerk")


@pytest.fixture
def posted_case(clerk, postal_case):
    response = record(clerk, postal_case.number, posting())
    assert response.status_code == 200, response.content
    return postal_case


def test_record_returns_case_with_posting(clerk, postal_case):
    response = record(
        clerk, postal_case.number, posting(tracking_number=" ea123456789cn ")
    )

    body = response.json()
    assert response.status_code == 200, response.content
    assert body["number"] == postal_case.number
    assert body["state"] == "result_issued"
    assert len(body["postings"]) == 1
    assert body["postings"][0]["posted_on"] == today()
    assert body["postings"][0]["carrier"] == "中国邮政 EMS"
    assert body["postings"][0]["tracking_number"] == "EA123456789CN"
    assert body["postings"][0]["at"]
    assert body["events"][-1]["action"] == "record_posting"
    events = posting_events(postal_case)
    assert [event.action for event in events] == ["record_posting"]
    assert events[0].actor_role == "clerk"
    assert events[0].data == posting()


def test_correct_returns_new_values(clerk, posted_case):
    response = correct(
        clerk,
        posted_case.number,
        {
            **posting(carrier="顺丰速运", tracking_number="SF1234567890123"),
            "reason": REASON,
        },
    )

    body = response.json()
    assert response.status_code == 200, response.content
    assert body["state"] == "result_issued"
    assert len(body["postings"]) == 1
    assert body["postings"][0]["carrier"] == "顺丰速运"
    assert body["postings"][0]["tracking_number"] == "SF1234567890123"
    assert body["events"][-1]["action"] == "correct_posting"
    assert body["events"][-1]["reason"] == REASON
    events = posting_events(posted_case)
    assert [event.action for event in events] == ["record_posting", "correct_posting"]
    assert events[1].data["replaced"] == posting()


def test_case_without_posting_lists_none(demo, postal_case):
    response = bearer_client(demo, "applicant").get(
        f"/api/v1/cases/{postal_case.number}"
    )

    assert response.status_code == 200, response.content
    assert response.json()["postings"] == []


def test_second_record_conflicts(clerk, posted_case):
    response = record(
        clerk, posted_case.number, posting(tracking_number="SF1234567890123")
    )

    body = response.json()
    assert response.status_code == 409
    assert body["code"] == "case.posting_already_recorded"
    assert body["details"] == {
        "number": posted_case.number,
        "posted_on": today(),
        "carrier": "中国邮政 EMS",
        "tracking_number": "EA123456789CN",
    }
    assert body["message"].startswith(
        f"The posting of case {posted_case.number} is already recorded: posted on "
        f"{today()} by 中国邮政 EMS, tracking number EA123456789CN."
    )
    assert len(posting_events(posted_case)) == 1


def test_correct_without_record_conflicts(clerk, postal_case):
    response = correct(clerk, postal_case.number, {**posting(), "reason": REASON})

    body = response.json()
    assert response.status_code == 409
    assert body["code"] == "case.posting_not_recorded"
    assert body["details"] == {"number": postal_case.number}
    assert body["message"] == (
        f"No posting of case {postal_case.number} is recorded, so there is nothing "
        "to correct. Record the posting first."
    )
    assert posting_events(postal_case) == []


def test_unchanged_correction_rejected(clerk, posted_case):
    response = correct(
        clerk,
        posted_case.number,
        {**posting(tracking_number="ｅａ１２３４５６７８９ｃｎ"), "reason": REASON},
    )

    body = response.json()
    assert response.status_code == 400
    assert body["code"] == "case.posting_unchanged"
    assert body["details"]["tracking_number"] == "EA123456789CN"
    assert body["message"].startswith("The correction changes nothing: ")
    assert len(posting_events(posted_case)) == 1


def test_record_reports_every_invalid_field(clerk, postal_case):
    response = record(
        clerk,
        postal_case.number,
        posting(posted_on="2026-02-30", tracking_number=""),
    )

    body = response.json()
    fields = body["details"]["fields"]
    assert response.status_code == 400
    assert body["code"] == "case.posting_invalid"
    assert body["details"]["count"] == 2
    assert list(fields) == ["posted_on", "tracking_number"]
    assert fields["posted_on"]["code"] == "case.posting_date_invalid"
    assert fields["posted_on"]["date"] == "2026-02-30"
    assert fields["posted_on"]["latest"] == today()
    assert fields["tracking_number"]["code"] == "case.tracking_number_invalid"
    assert fields["tracking_number"]["min"] == 6
    assert body["message"].startswith(
        "Correct these fields and record the posting again: The posting date "
        "2026-02-30 is invalid"
    )
    assert posting_events(postal_case) == []


def test_correction_reports_every_invalid_field(clerk, posted_case):
    response = correct(
        clerk,
        posted_case.number,
        {**posting(posted_on="2026-13-45", tracking_number=""), "reason": " "},
    )

    body = response.json()
    fields = body["details"]["fields"]
    assert response.status_code == 400
    assert body["code"] == "case.posting_correction_invalid"
    assert body["details"]["count"] == 3
    assert list(fields) == ["posted_on", "tracking_number", "reason"]
    assert fields["posted_on"]["code"] == "case.posting_date_invalid"
    assert fields["tracking_number"]["code"] == "case.tracking_number_invalid"
    assert fields["reason"]["code"] == "case.reason_required"
    assert fields["reason"]["action"] == "correct_posting"
    assert "Give a reason: correcting the posting needs one." in body["message"]
    assert len(posting_events(posted_case)) == 1


def test_correction_errors_in_chinese(clerk, posted_case):
    response = correct(
        clerk,
        posted_case.number,
        {**posting(tracking_number="SF-1"), "reason": ""},
        **{"Accept-Language": "zh-hans"},
    )

    message = response.json()["message"]
    assert response.status_code == 400
    assert (
        "运单号“SF-1”无效：请填写运单上印有的 6 至 40 位字母、数字或连字符。" in message
    )
    assert "请填写理由：更正邮寄信息必须说明理由。" in message


def test_correction_without_reason_member_rejected(clerk, posted_case):
    response = correct(clerk, posted_case.number, posting(carrier="顺丰速运"))

    body = response.json()
    assert response.status_code == 422
    assert body["code"] == "request.invalid"
    assert body["details"]["errors"][0]["location"] == ["body", "payload", "reason"]
    assert len(posting_events(posted_case)) == 1


def test_unknown_member_rejected(clerk, postal_case):
    response = record(clerk, postal_case.number, {**posting(), "posted_at": today()})

    assert response.status_code == 422
    assert response.json()["code"] == "request.invalid"
    assert posting_events(postal_case) == []


@pytest.mark.parametrize("path", ["posting", "posting/correct"])
def test_other_centre_clerk_gets_404(demo, other_centre, posted_case, path):
    response = bearer_client(demo, "nanhai-clerk").post(
        f"/api/v1/cases/{posted_case.number}/{path}",
        {**posting(carrier="顺丰速运"), "reason": REASON}
        if path == "posting/correct"
        else posting(carrier="顺丰速运"),
        content_type="application/json",
    )

    assert response.status_code == 404
    assert response.json()["code"] == "case.not_found"
    assert len(posting_events(posted_case)) == 1


@pytest.mark.parametrize("username", ["applicant", "supervisor"])
def test_record_needs_clerk_role(demo, postal_case, username):
    response = record(bearer_client(demo, username), postal_case.number, posting())

    body = response.json()
    assert response.status_code == 403
    assert body["code"] == "permission.role_required"
    assert body["details"]["role"] == ["clerk"]
    assert posting_events(postal_case) == []


@pytest.mark.parametrize("username", ["applicant", "supervisor"])
def test_correct_needs_clerk_role(demo, posted_case, username):
    response = correct(
        bearer_client(demo, username),
        posted_case.number,
        {**posting(carrier="顺丰速运"), "reason": REASON},
    )

    body = response.json()
    assert response.status_code == 403
    assert body["code"] == "permission.role_required"
    assert body["details"]["role"] == ["clerk"]
    assert len(posting_events(posted_case)) == 1


def test_window_pickup_case_rejected(demo, clerk):
    case = issued_social_security_case(demo, delivery="window")

    response = record(clerk, case.number, posting())

    assert response.status_code == 400
    assert response.json()["code"] == "case.posting_not_requested"
    assert posting_events(case) == []


def test_correction_of_closed_case_conflicts(demo, clerk, posted_case):
    delivered = bearer_client(demo, "applicant").post(
        f"/api/v1/cases/{posted_case.number}/deliver"
    )
    assert delivered.status_code == 200, delivered.content

    response = correct(
        clerk, posted_case.number, {**posting(carrier="顺丰速运"), "reason": REASON}
    )

    assert response.status_code == 409
    assert response.json()["code"] == "invalid_transition"
    assert response.json()["details"]["action"] == "correct_posting"
    assert len(posting_events(posted_case)) == 1


def test_history_shows_both_events(demo, clerk, posted_case):
    corrected = correct(
        clerk,
        posted_case.number,
        {**posting(tracking_number="EA987654321CN"), "reason": REASON},
    )
    assert corrected.status_code == 200, corrected.content

    response = bearer_client(demo, "applicant").get(
        f"/api/v1/cases/{posted_case.number}"
    )

    body = response.json()
    events = [e for e in body["events"] if "posting" in e["action"]]
    assert response.status_code == 200
    assert [e["action"] for e in events] == ["record_posting", "correct_posting"]
    assert [e["action_label"] for e in events] == ["result posted", "posting corrected"]
    assert [e["actor_role"] for e in events] == ["clerk", "clerk"]
    assert [e["reason"] for e in events] == ["", REASON]
    assert [e["to_state"] for e in events] == ["result_issued", "result_issued"]
    assert body["postings"][0]["tracking_number"] == "EA987654321CN"


def test_posting_date_before_issue_rejected(clerk, postal_case):
    yesterday = (
        datetime.date.fromisoformat(today()) - datetime.timedelta(days=1)
    ).isoformat()

    response = record(clerk, postal_case.number, posting(posted_on=yesterday))

    body = response.json()
    assert response.status_code == 400
    assert body["code"] == "case.posting_date_invalid"
    assert body["details"]["field"] == "posted_on"
    assert body["details"]["earliest"] == today()
    assert posting_events(postal_case) == []


def test_openapi_lists_posting_operations(demo):
    paths = Client().get("/api/v1/openapi.json").json()["paths"]

    recording = paths["/api/v1/cases/{number}/posting"]["post"]
    correction = paths["/api/v1/cases/{number}/posting/correct"]["post"]
    assert recording["operationId"] == "onestop_cases_api_posting_record_posting"
    assert correction["operationId"] == "onestop_cases_api_posting_correct_posting"
    assert recording["summary"] == "Record Posting"
    assert correction["summary"] == "Correct Posting"
    for operation in (recording, correction):
        assert {"200", "400", "403", "404", "409", "422"} <= set(operation["responses"])


def test_documented_examples_run(clerk, postal_case):
    examples = DOCUMENTED_POSTING.findall(API_DOCS.read_text("utf-8"))
    assert [path for path, _body in examples] == ["posting", "posting/correct"]

    for path, body in examples:
        response = clerk.post(
            f"/api/v1/cases/{postal_case.number}/{path}",
            body.replace("\"'$D'\"", f'"{today()}"'),
            content_type="application/json",
        )
        assert response.status_code == 200, response.content

    events = posting_events(postal_case)
    assert [event.action for event in events] == ["record_posting", "correct_posting"]
    assert events[1].data["tracking_number"] == "EA987654321CN"


def test_own_case_posting_rejected(demo, postal_case):
    Membership.objects.create(
        user=demo.user("applicant"), centre=demo.centre, role=Role.CLERK
    )
    own = bearer_client(demo, "applicant")

    response = record(own, postal_case.number, posting())

    assert response.status_code == 403, response.content
    assert response.json()["code"] == "case.own_case"
    assert response.json()["details"]["action"] == "record_posting"
    assert posting_events(postal_case) == []
    event = AuditEvent.objects.get(verb="case.own_case_rejected")
    assert event.object_id == postal_case.number
    assert event.data == {"action": "record_posting", "code": "case.own_case"}


def test_own_case_correction_rejected(demo, posted_case):
    Membership.objects.create(
        user=demo.user("applicant"), centre=demo.centre, role=Role.CLERK
    )
    own = bearer_client(demo, "applicant")

    response = correct(
        own,
        posted_case.number,
        {**posting(tracking_number="EA000000000CN"), "reason": REASON},
    )

    assert response.status_code == 403, response.content
    assert response.json()["details"]["action"] == "correct_posting"
    assert [event.action for event in posting_events(posted_case)] == ["record_posting"]
    event = AuditEvent.objects.get(verb="case.own_case_rejected")
    assert event.data == {"action": "correct_posting", "code": "case.own_case"}
