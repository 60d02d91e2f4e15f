"""Every verified agent of an enterprise acts as the applicant of its cases: withdraws,
answers corrections, collects the result and gets the notifications, whoever filed."""

from __future__ import annotations

import datetime as dt

import pytest
from django.contrib.auth import get_user_model

from onestop.cases import notices
from onestop.cases.actions import (
    Application,
    deliver_result,
    resubmit_case,
    withdraw_case,
)
from onestop.cases.errors import WithdrawalByApplicantOnly
from onestop.cases.models import Case, CaseEvent, CaseState
from onestop.cases.tests.test_api_flow import apply, food_matter
from onestop.core.models import AuditEvent, Notification
from onestop.core.permissions import RoleRequired
from onestop.identity.agency import AgencyNotVerified, AgencyRevoked
from onestop.identity.models import AgencyStatus, Enterprise, EnterpriseAgent, Person
from onestop.portal.demo import PASSWORD
from onestop.testing import (
    current_version,
    issued_window_case,
    upload,
    valid_form,
)

pytestmark = pytest.mark.django_db

# The demo enterprise, whose verified agent is the demo user `agent`.
USCC = "91440604MA4W1X2YX9"
ENTERPRISE_NAME = "佛山市禅城区示例商贸有限公司"
OUTSIDER = "zhang-wei"


def claim(demo, username):
    """Claim to act for the demo enterprise online: the claim is pending."""
    response = demo.client(username).post(
        "/api/v1/identity/enterprises",
        {"uscc": USCC, "name": ENTERPRISE_NAME, "legal_representative": "陈志强"},
        content_type="application/json",
    )
    assert response.status_code == 201, response.content
    return agency_of(username)


def agency_of(username):
    return EnterpriseAgent.objects.get(
        enterprise__uscc=USCC, person__user__username=username
    )


def decide(demo, agency, decision, body):
    response = demo.client("clerk").post(
        f"/api/v1/centres/{demo.centre.slug}/agencies/{agency.pk}/{decision}",
        body,
        content_type="application/json",
    )
    assert response.status_code == 200, response.content


def add_second_agent(demo):
    """Make the demo user `applicant` a second verified agent of the enterprise."""
    agency = claim(demo, "applicant")
    decide(
        demo, agency, "verify", {"licence_seen": True, "authority": "power_of_attorney"}
    )


def revoke_filer(demo):
    """Revoke the agency of the demo user `agent`, who files the cases here."""
    decide(demo, agency_of("agent"), "revoke", {"reason": "经办人已离职"})


def add_outsider(status=None):
    """Register a person who can sign in, with an agency of `status`, or none."""
    user = get_user_model().objects.create_user(OUTSIDER, password=PASSWORD)
    person = Person.objects.create(
        user=user,
        id_number="110101199003077758",
        name="张伟",
        birth_date=dt.date(1990, 3, 7),
    )
    if status is not None:
        EnterpriseAgent.objects.create(
            enterprise=Enterprise.objects.get(uscc=USCC), person=person, status=status
        )
    return user


def file_for_enterprise(demo, key="enterprise-key"):
    """File an online application for the enterprise as `agent` and return its number."""
    form = valid_form(food_matter(demo))
    form["field.organisation_uscc"] = USCC
    form["field.organisation_name"] = ENTERPRISE_NAME
    form["enterprise"] = USCC
    response = apply(demo.client("agent"), demo, form=form, key=key)
    assert response.status_code == 201, response.content
    return response.json()["number"]


def issued_for_enterprise(demo):
    """Return a window case of the enterprise, filed by `agent`, with its result issued."""
    return issued_window_case(
        demo, username="agent", enterprise=Enterprise.objects.get(uscc=USCC)
    )


def post(client, number, action, body=None):
    return client.post(
        f"/api/v1/cases/{number}/{action}", body or {}, content_type="application/json"
    )


def request_correction(demo, number):
    key = current_version(food_matter(demo)).guide.materials[0]["key"]
    response = post(
        demo.client("clerk"),
        number,
        "correction",
        {"items": [{"material": key, "note": "不清晰"}]},
    )
    assert response.status_code == 200, response.content
    return key


def state_of(number):
    return Case.objects.get(number=number).state


# --- withdrawal ---------------------------------------------------------------------------


def test_second_agent_withdraws_case(demo):
    number = file_for_enterprise(demo)
    add_second_agent(demo)
    second = demo.client("applicant")

    opened = second.get(f"/api/v1/cases/{number}")
    response = post(second, number, "withdraw", {"reason": "企业不再申请"})

    assert opened.status_code == 200, opened.content
    assert response.status_code == 200, response.content
    assert response.json()["state"] == CaseState.WITHDRAWN
    event = CaseEvent.objects.get(case__number=number, action="withdraw")
    assert event.actor == demo.user("applicant")
    assert event.actor_role == "applicant"
    assert Case.objects.get(number=number).person.user == demo.user("agent")
    viewed = AuditEvent.objects.get(verb="case.viewed", actor=demo.user("applicant"))
    assert viewed.actor_role == "applicant"


def test_revoked_filer_cannot_withdraw(demo):
    number = file_for_enterprise(demo)
    add_second_agent(demo)
    revoke_filer(demo)
    filer = demo.client("agent")

    opened = filer.get(f"/api/v1/cases/{number}")
    response = post(filer, number, "withdraw", {"reason": "x"})
    chinese = filer.get(
        f"/api/v1/cases/{number}", headers={"Accept-Language": "zh-hans"}
    )

    assert response.status_code == 403
    assert response.json()["code"] == "agency.revoked"
    assert response.json()["details"]["enterprise"] == ENTERPRISE_NAME
    assert "revoked your authority" in response.json()["message"]
    assert opened.status_code == 403
    assert opened.json()["code"] == "agency.revoked"
    assert "撤销" in chinese.json()["message"]
    assert state_of(number) == CaseState.SUBMITTED
    second = post(demo.client("applicant"), number, "withdraw", {"reason": "x"})
    assert second.status_code == 200, second.content
    assert state_of(number) == CaseState.WITHDRAWN


def test_revoked_filer_who_claims_again_is_pending(demo):
    number = file_for_enterprise(demo)
    revoke_filer(demo)
    claim(demo, "agent")

    response = post(demo.client("agent"), number, "withdraw", {"reason": "x"})

    assert agency_of("agent").status == AgencyStatus.PENDING
    assert response.status_code == 403
    assert response.json()["code"] == "agency.not_verified"
    assert state_of(number) == CaseState.SUBMITTED


def test_pending_agent_cannot_withdraw(demo):
    number = file_for_enterprise(demo)
    pending = add_outsider(AgencyStatus.PENDING)
    client = demo.client(OUTSIDER)

    response = post(client, number, "withdraw", {"reason": "x"})

    # The case stays hidden from a pending agent who did not file it, as from anyone.
    assert response.status_code == 404
    assert response.json()["code"] == "case.not_found"
    with pytest.raises(AgencyNotVerified):
        withdraw_case(actor=pending, case=Case.objects.get(number=number), reason="x")
    assert state_of(number) == CaseState.SUBMITTED


@pytest.mark.parametrize(
    ("status", "error"),
    [
        (AgencyStatus.PENDING, AgencyNotVerified),
        (AgencyStatus.REVOKED, AgencyRevoked),
        (AgencyStatus.REJECTED, WithdrawalByApplicantOnly),
        (None, WithdrawalByApplicantOnly),
    ],
)
def test_withdrawal_error_by_agency_status(demo, status, error):
    number = file_for_enterprise(demo)
    outsider = add_outsider(status)

    with pytest.raises(error) as raised:
        withdraw_case(actor=outsider, case=Case.objects.get(number=number), reason="x")

    assert type(raised.value) is error
    assert state_of(number) == CaseState.SUBMITTED


def test_non_agent_gets_not_found(demo):
    number = file_for_enterprise(demo)
    add_outsider()
    outsider = demo.client(OUTSIDER)

    opened = outsider.get(f"/api/v1/cases/{number}")
    withdrawn = post(outsider, number, "withdraw", {"reason": "x"})
    by_clerk = post(demo.client("clerk"), number, "withdraw", {"reason": "x"})

    assert opened.status_code == 404
    assert withdrawn.status_code == 404
    assert withdrawn.json()["code"] == "case.not_found"
    assert by_clerk.status_code == 403
    assert by_clerk.json()["code"] == "case.withdrawal_applicant_only"
    assert state_of(number) == CaseState.SUBMITTED


# --- correction ---------------------------------------------------------------------------


def test_second_agent_answers_correction(demo):
    number = file_for_enterprise(demo)
    add_second_agent(demo)
    key = request_correction(demo, number)
    revoke_filer(demo)
    files = {f"material.{key}": upload(f"new-{key}.pdf")}

    by_filer = demo.client("agent").post(f"/api/v1/cases/{number}/resubmit", files)
    files = {f"material.{key}": upload(f"new-{key}.pdf")}
    by_second = demo.client("applicant").post(f"/api/v1/cases/{number}/resubmit", files)

    assert by_filer.status_code == 403
    assert by_filer.json()["code"] == "agency.revoked"
    assert by_second.status_code == 200, by_second.content
    assert by_second.json()["state"] == CaseState.SUBMITTED
    assert by_second.json()["correction_items"] == []
    event = CaseEvent.objects.get(case__number=number, action="resubmit")
    assert event.actor == demo.user("applicant")
    assert event.actor_role == "applicant"
    assert Case.objects.get(number=number).person.user == demo.user("agent")


@pytest.mark.parametrize(
    ("status", "error"),
    [(AgencyStatus.PENDING, AgencyNotVerified), (AgencyStatus.REVOKED, AgencyRevoked)],
)
def test_correction_error_by_agency_status(demo, status, error):
    number = file_for_enterprise(demo)
    request_correction(demo, number)
    outsider = add_outsider(status)

    with pytest.raises(error):
        resubmit_case(
            actor=outsider,
            case=Case.objects.get(number=number),
            application=Application(),
        )

    assert state_of(number) == CaseState.CORRECTION_REQUESTED


def test_non_agent_cannot_answer_correction(demo):
    number = file_for_enterprise(demo)
    key = request_correction(demo, number)
    add_outsider()
    files = {f"material.{key}": upload(f"new-{key}.pdf")}

    response = demo.client(OUTSIDER).post(f"/api/v1/cases/{number}/resubmit", files)

    assert response.status_code == 404
    assert state_of(number) == CaseState.CORRECTION_REQUESTED


# --- collecting the result ----------------------------------------------------------------


def test_second_agent_collects_result(demo):
    number = issued_for_enterprise(demo).number
    add_second_agent(demo)
    revoke_filer(demo)

    by_filer = post(demo.client("agent"), number, "deliver")
    by_second = post(demo.client("applicant"), number, "deliver")

    assert by_filer.status_code == 403
    assert by_filer.json()["code"] == "agency.revoked"
    assert by_second.status_code == 200, by_second.content
    assert by_second.json()["state"] == CaseState.CLOSED
    event = CaseEvent.objects.get(case__number=number, action="deliver_result")
    assert event.actor == demo.user("applicant")
    assert event.actor_role == "applicant"


@pytest.mark.parametrize(
    ("status", "error"),
    [
        (AgencyStatus.PENDING, AgencyNotVerified),
        (AgencyStatus.REVOKED, AgencyRevoked),
        (None, RoleRequired),
    ],
)
def test_collection_error_by_agency_status(demo, status, error):
    case = issued_for_enterprise(demo)
    outsider = add_outsider(status)

    with pytest.raises(error):
        deliver_result(actor=outsider, case=case)

    assert state_of(case.number) == CaseState.RESULT_ISSUED


def test_clerk_hands_result_over(demo):
    case = issued_for_enterprise(demo)

    deliver_result(actor=demo.user("clerk"), case=case)

    event = CaseEvent.objects.get(case=case, action="deliver_result")
    assert event.actor_role == "clerk"
    assert state_of(case.number) == CaseState.CLOSED


# --- notifications ------------------------------------------------------------------------


def notified(demo, username, message_id):
    return Notification.objects.filter(
        user=demo.user(username), message_id=message_id
    ).count()


def test_every_verified_agent_notified(demo):
    number = file_for_enterprise(demo)
    add_second_agent(demo)
    add_outsider(AgencyStatus.PENDING)

    request_correction(demo, number)

    assert notified(demo, "agent", notices.CORRECTION_REQUESTED) == 1
    assert notified(demo, "applicant", notices.CORRECTION_REQUESTED) == 1
    assert notified(demo, OUTSIDER, notices.CORRECTION_REQUESTED) == 0
    link = Notification.objects.get(user=demo.user("applicant")).link
    assert link == f"/portal/cases/{number}/"


def test_revoked_filer_not_notified(demo):
    number = file_for_enterprise(demo)
    add_second_agent(demo)
    revoke_filer(demo)

    refused = post(demo.client("clerk"), number, "refuse", {"reason": "不属于本中心"})

    assert refused.status_code == 200, refused.content
    assert notified(demo, "agent", notices.NOT_ACCEPTED) == 0
    assert notified(demo, "applicant", notices.NOT_ACCEPTED) == 1


def test_own_case_notifies_only_person(demo):
    response = apply(demo.client("applicant"), demo, key="own-case")
    number = response.json()["number"]
    add_second_agent(demo)

    post(demo.client("clerk"), number, "refuse", {"reason": "不属于本中心"})

    users = Notification.objects.filter(link=f"/portal/cases/{number}/")
    assert [n.user.username for n in users] == ["applicant"]
