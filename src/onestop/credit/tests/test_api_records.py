"""Credit records through the API: record, list, correct and revoke."""

from __future__ import annotations

import pytest

from onestop.core.models import AuditEvent
from onestop.credit.models import CreditRecord
from onestop.credit.tests.helpers import APPLICANT_ID, ENTERPRISE_USCC
from onestop.identity.models import Enterprise, Person

pytestmark = pytest.mark.django_db


def facts_body() -> dict:
    """Return the record's facts without its subject and department, as a correction
    sends them."""
    body = record_body()
    for key in ("subject_type", "subject_code", "department"):
        del body[key]
    return body


def record_body(**overrides):
    body = {
        "subject_type": "person",
        "subject_code": APPLICANT_ID,
        "department": "market_regulation",
        "kind": "dishonesty_list",
        "legal_basis": "《市场监督管理严重违法失信名单管理办法》第二条",
        "facts": "因提供虚假材料取得许可，列入严重违法失信名单。",
        "decided_on": "2026-11-02",
        "list_name": "市场监督管理严重违法失信名单",
        "listed_on": "2026-11-02",
    }
    body.update(overrides)
    return body


def post_record(client, demo, language=None, **overrides):
    return client.post(
        f"/api/v1/credit/centres/{demo.centre.slug}/records",
        record_body(**overrides),
        content_type="application/json",
        headers={"Accept-Language": language} if language else {},
    )


def test_reviewer_records_dishonesty_list_entry(demo):
    response = post_record(demo.client("reviewer"), demo)

    assert response.status_code == 201, response.content
    body = response.json()
    assert body["kind"] == "dishonesty_list"
    assert body["subject"] == "4406**********0024"
    assert body["listed_on"] == "2026-11-02"
    assert len(body["sha256"]) == 64


def test_clerk_may_not_record(demo):
    response = post_record(demo.client("clerk"), demo)

    assert response.status_code == 403
    assert response.json()["code"] == "permission.role_required"


def test_reviewer_of_other_department_is_told_why(demo):
    response = post_record(demo.client("reviewer"), demo, department="public_security")

    assert response.status_code == 403
    assert response.json()["code"] == "permission.other_department"
    assert "Your account has none" not in response.json()["message"]
    assert "for the department" in response.json()["message"]


def test_future_decision_date_is_rejected(demo):
    response = post_record(demo.client("reviewer"), demo, decided_on="2099-12-01")

    assert response.status_code == 400
    assert response.json()["code"] == "credit.date_in_future"
    assert "2099-12-01" in response.json()["message"]
    assert not CreditRecord.objects.exists()


def test_spaced_id_number_is_rejected(demo):
    facts = "身份证 4406 0419 8503 1500 24"
    client = demo.client("reviewer")

    english = post_record(client, demo, facts=facts, language="en")
    chinese = post_record(client, demo, facts=facts, language="zh-hans")

    assert english.status_code == 400
    assert english.json()["code"] == "credit.personal_data_in_text"
    assert "4406**********0024" in english.json()["message"]
    assert "spaces or hyphens between the digits" in english.json()["message"]
    assert "4406**********0024" in chinese.json()["message"]
    assert "连字符" in chinese.json()["message"]
    assert "1985" not in english.content.decode()
    assert not CreditRecord.objects.exists()


def test_unknown_department_is_rejected(demo):
    response = post_record(demo.client("supervisor"), demo, department="mint")

    assert response.status_code == 404
    assert response.json()["code"] == "credit.department_not_found"


def test_reviewer_corrects_and_revokes_record(demo):
    client = demo.client("reviewer")
    first = post_record(client, demo).json()["id"]
    base = f"/api/v1/credit/centres/{demo.centre.slug}/records"

    corrected = client.post(
        f"{base}/{first}/corrections",
        {**facts_body(), "delisted_on": "2026-12-01"},
        content_type="application/json",
    )
    revoked = client.post(
        f"{base}/{corrected.json()['id']}/revocation",
        {"reason": "法院判决撤销认定。", "legal_basis": "《行政诉讼法》第七十条"},
        content_type="application/json",
    )

    assert corrected.status_code == 201, corrected.content
    assert corrected.json()["supersedes"] == first
    assert revoked.status_code == 201, revoked.content
    assert revoked.json()["action"] == "revoke"
    assert CreditRecord.objects.count() == 3


def test_supervisor_lists_subject_records(demo):
    post_record(demo.client("reviewer"), demo)

    response = demo.client("supervisor").get(
        f"/api/v1/credit/centres/{demo.centre.slug}/records",
        {"subject_type": "person", "subject_code": APPLICANT_ID},
    )

    assert response.status_code == 200
    assert len(response.json()) == 1


def test_other_department_reviewer_sees_no_records(demo):
    post_record(demo.client("reviewer"), demo)
    other = "reviewer-" + next(
        key
        for key in demo.centre.department_set.values_list("role_key", flat=True)
        if key != "market_regulation"
    )

    response = demo.client(other).get(
        f"/api/v1/credit/centres/{demo.centre.slug}/records",
        {"subject_type": "person", "subject_code": APPLICANT_ID},
    )

    assert response.status_code == 200
    assert response.json() == []


def search_records(demo, username, subject_type, subject_code):
    return demo.client(username).get(
        f"/api/v1/credit/centres/{demo.centre.slug}/records",
        {"subject_type": subject_type, "subject_code": subject_code},
    )


def test_subject_search_is_audited(demo):
    post_record(demo.client("reviewer"), demo)

    response = search_records(demo, "reviewer", "person", APPLICANT_ID)

    assert response.status_code == 200
    event = AuditEvent.objects.get(verb="person.credit_records_searched")
    assert event.actor == demo.user("reviewer")
    assert event.actor_role == "reviewer"
    assert event.centre == demo.centre
    assert event.object_type == "person"
    assert event.object_id == str(Person.objects.get(id_number=APPLICANT_ID).pk)
    assert event.data == {"count": 1}


def test_unregistered_subject_search_is_audited(demo):
    unregistered = "11010519491231002X"

    response = search_records(demo, "supervisor", "person", unregistered)

    assert response.status_code == 200
    event = AuditEvent.objects.get(verb="person.credit_records_searched")
    assert event.object_id == ""
    assert event.data == {"count": 0}
    assert unregistered not in str(event.data)


def test_enterprise_search_is_audited(demo):
    response = search_records(demo, "reviewer", "enterprise", ENTERPRISE_USCC)

    assert response.status_code == 200
    event = AuditEvent.objects.get(verb="enterprise.credit_records_searched")
    assert event.object_id == str(Enterprise.objects.get(uscc=ENTERPRISE_USCC).pk)


def test_refused_search_is_not_audited(demo):
    response = search_records(demo, "clerk", "person", APPLICANT_ID)

    assert response.status_code == 403
    assert not AuditEvent.objects.filter(verb="person.credit_records_searched").exists()


# A record with six problems: an unknown subject type, an ID number with a wrong check
# digit, an unknown kind, two empty texts and a decision date after today.
SIX_PROBLEMS = {
    "subject_type": "human",
    "subject_code": "440604198503150025",
    "kind": "nice",
    "legal_basis": "",
    "facts": "",
    "decided_on": "2099-01-01",
    "list_name": "",
    "listed_on": None,
}


def test_every_record_problem_listed_at_once(demo):
    response = post_record(demo.client("reviewer"), demo, **SIX_PROBLEMS)

    assert response.status_code == 400, response.content
    body = response.json()
    assert body["code"] == "credit.record_invalid"
    assert body["details"]["count"] == 6
    fields = body["details"]["fields"]
    assert list(fields) == [
        "subject_type",
        "subject_code",
        "kind",
        "legal_basis",
        "facts",
        "decided_on",
    ]
    assert fields["subject_type"]["code"] == "credit.subject_type_invalid"
    assert fields["subject_code"]["code"] == "id_number.check_digit"
    assert fields["kind"]["code"] == "credit.kind_invalid"
    assert fields["legal_basis"]["code"] == "credit.field_missing"
    assert fields["facts"]["code"] == "credit.field_missing"
    assert fields["decided_on"]["code"] == "credit.date_in_future"
    assert body["message"].startswith(
        "Correct these fields of the credit record and send it again: The subject "
        "type human is not known. Use person or enterprise. "
    )
    assert "The record kind nice is not known." in body["message"]
    assert "The date decided_on (2099-01-01) is after today" in body["message"]
    assert not CreditRecord.objects.exists()


def test_record_problems_listed_in_chinese(demo):
    response = post_record(
        demo.client("reviewer"), demo, language="zh-hans", **SIX_PROBLEMS
    )

    assert response.status_code == 400, response.content
    assert response.json()["message"].startswith("请更正信用记录的以下字段后重新提交：")


def test_one_record_problem_keeps_its_code(demo):
    response = post_record(demo.client("reviewer"), demo, kind="nice")

    assert response.status_code == 400, response.content
    body = response.json()
    assert body["code"] == "credit.kind_invalid"
    assert body["details"]["field"] == "kind"


def test_day_that_does_not_exist_rejected(demo):
    response = post_record(demo.client("reviewer"), demo, decided_on="2026-02-30")

    assert response.status_code == 400, response.content
    body = response.json()
    assert body["code"] == "credit.date_not_a_day"
    assert body["details"]["field"] == "decided_on"
    assert body["message"] == (
        "decided_on is 2026-02-30, a day that the calendar does not have. Give a date "
        "that exists."
    )


@pytest.mark.parametrize("text", ["2026/02/01", "2026-2-1", "yesterday"])
def test_date_of_wrong_form_rejected(demo, text):
    response = post_record(demo.client("reviewer"), demo, listed_on=text)

    assert response.status_code == 400, response.content
    body = response.json()
    assert body["code"] == "credit.date_invalid"
    assert body["details"]["field"] == "listed_on"
    assert body["message"] == (
        "listed_on must be a date in the form YYYY-MM-DD, such as 2026-12-05, not "
        f"{text}."
    )


def test_wrong_date_reported_with_other_problems(demo):
    response = post_record(
        demo.client("reviewer"), demo, kind="nice", decided_on="2026-02-30"
    )

    assert response.status_code == 400, response.content
    fields = response.json()["details"]["fields"]
    assert fields["kind"]["code"] == "credit.kind_invalid"
    assert fields["decided_on"]["code"] == "credit.date_not_a_day"
