"""Revoking an agency at the window: the agent loses the enterprise at once, other
agents keep it, and only a clerk who does not act for the enterprise may revoke."""

from __future__ import annotations

import datetime as dt

import pytest

from onestop.core.models import AuditEvent, Notification
from onestop.identity.models import AgencyStatus, Person
from onestop.identity.tests.test_agency import (
    NEW_NAME,
    NEW_USCC,
    NEW_USCC_MASKED,
    agency_of,
    apply_for_enterprise,
    claim,
    consent_for_enterprise,
    decide,
    verify,
)

pytestmark = pytest.mark.django_db

REASON = "企业书面申请撤销授权"


def verified_agents(demo):
    """Verify the applicant and the agent as agents of the new enterprise."""
    claim(demo, username="applicant")
    claim(demo, username="agent", legal_representative="陈志强")
    verify(demo, agency_of("applicant"))
    verify(demo, agency_of("agent"))


def revoke(demo, agency, username="clerk", slug=None, reason=REASON):
    return decide(demo, agency, "revoke", {"reason": reason}, username, slug)


def test_revoked_agent_loses_enterprise(demo):
    verified_agents(demo)
    applied = apply_for_enterprise(demo, username="applicant")
    number = applied.json()["number"]
    consent = consent_for_enterprise(demo, username="applicant").json()
    applicant = demo.client("applicant")

    response = revoke(demo, agency_of("applicant"))
    english = apply_for_enterprise(demo, username="applicant", language="en-gb")
    chinese = apply_for_enterprise(demo, username="applicant", language="zh-hans")
    consented = consent_for_enterprise(demo, username="applicant")

    assert response.status_code == 200, response.content
    assert response.json()["status"] == "revoked"
    assert response.json()["revoked_at_centre"] == demo.centre.slug
    assert response.json()["revocation_reason"] == REASON
    assert english.status_code == 403
    assert english.json()["code"] == "agency.revoked"
    assert english.json()["details"] == {
        "enterprise": NEW_NAME,
        "uscc": NEW_USCC_MASKED,
    }
    assert "revoked your authority" in english.json()["message"]
    assert chinese.json()["code"] == "agency.revoked"
    assert "撤销" in chinese.json()["message"]
    assert consented.status_code == 403
    assert consented.json()["code"] == "agency.revoked"
    opened = applicant.get(f"/api/v1/cases/{number}")
    assert opened.status_code == 403
    assert opened.json()["code"] == "agency.revoked"
    listed = [case["number"] for case in applicant.get("/api/v1/cases").json()]
    assert number not in listed
    assert number not in applicant.get("/portal/cases/").content.decode()
    consents = applicant.get("/api/v1/credit/consents").json()
    assert consent["id"] not in [found["id"] for found in consents]
    withdrawn = applicant.post(f"/api/v1/credit/consents/{consent['id']}/revocation")
    assert withdrawn.status_code == 404


def test_other_agent_keeps_enterprise(demo):
    verified_agents(demo)
    number = apply_for_enterprise(demo, username="applicant").json()["number"]

    revoke(demo, agency_of("applicant"))

    assert agency_of("agent").status == AgencyStatus.VERIFIED
    assert demo.client("agent").get(f"/api/v1/cases/{number}").status_code == 200
    assert consent_for_enterprise(demo, username="agent").status_code == 201


def test_revoked_agent_gets_no_notification(demo):
    verified_agents(demo)
    number = apply_for_enterprise(demo, username="applicant").json()["number"]
    revoke(demo, agency_of("applicant"))
    applicant = demo.user("applicant")
    before = Notification.objects.filter(user=applicant).count()

    refused = demo.client("clerk").post(
        f"/api/v1/cases/{number}/refuse",
        {"reason": "不属于本中心受理范围"},
        content_type="application/json",
    )

    assert refused.status_code == 200, refused.content
    assert refused.json()["state"] == "not_accepted"
    assert Notification.objects.filter(user=applicant).count() == before


def test_revocation_is_audited_without_reason(demo):
    verified_agents(demo)
    agency = agency_of("applicant")

    revoke(demo, agency)
    agency.refresh_from_db()

    event = AuditEvent.objects.get(verb="agency.revoked")
    assert event.centre == demo.centre
    assert event.actor == demo.user("clerk")
    assert event.object_id == str(agency.pk)
    assert event.data["status"] == "revoked"
    assert REASON not in str(event.data)
    assert agency.revoked_by == demo.user("clerk")
    assert agency.revoked_at_centre == demo.centre
    assert agency.decided_by == demo.user("clerk")
    assert agency.authority == "power_of_attorney"


def test_profile_shows_revocation(demo):
    verified_agents(demo)
    revoke(demo, agency_of("applicant"))
    client = demo.client("applicant")

    profile = client.get("/api/v1/identity/me").json()
    page = client.get("/accounts/profile/").content.decode()

    assert profile["enterprises"][0]["status"] == "revoked"
    assert profile["enterprises"][0]["revocation_reason"] == REASON
    assert profile["enterprises"][0]["revoked_at"] is not None
    assert 'data-status="revoked"' in page
    assert REASON in page


def test_revoked_agent_claims_again_pending_with_revocation_kept(demo):
    verified_agents(demo)
    revoke(demo, agency_of("applicant"))
    revoked = agency_of("applicant")

    response = claim(demo, username="applicant")
    agency = agency_of("applicant")
    page = demo.client("clerk").get(f"/window/agencies/?uscc={agency.enterprise.uscc}")

    assert response.status_code == 201, response.content
    assert response.json()["agency_status"] == "pending"
    assert agency.revoked_at == revoked.revoked_at
    assert agency.revocation_reason == revoked.revocation_reason != ""
    assert 'class="muted revocation"' in page.content.decode()
    assert consent_for_enterprise(demo).json()["code"] == "agency.not_verified"


def test_only_verified_agency_revocable(demo):
    claim(demo)

    pending = revoke(demo, agency_of("applicant"))
    verify(demo, agency_of("applicant"))
    revoke(demo, agency_of("applicant"))
    again = revoke(demo, agency_of("applicant"))

    assert pending.status_code == 409
    assert pending.json()["code"] == "agency.not_revocable"
    assert pending.json()["details"]["status"] == "pending"
    assert again.status_code == 409
    assert again.json()["code"] == "agency.not_revocable"


def test_revocation_needs_reason(demo):
    verified_agents(demo)

    response = revoke(demo, agency_of("applicant"), reason=" ")
    too_long = revoke(demo, agency_of("applicant"), reason="长" * 201)

    assert response.status_code == 400
    assert response.json()["code"] == "agency.reason_invalid"
    assert "revoking" in response.json()["message"]
    assert too_long.json()["code"] == "agency.reason_invalid"
    assert agency_of("applicant").status == AgencyStatus.VERIFIED


def test_applicant_and_agent_cannot_revoke(demo):
    verified_agents(demo)

    by_agent = revoke(demo, agency_of("applicant"), username="agent")
    revoke(demo, agency_of("agent"))
    by_revoked = revoke(demo, agency_of("applicant"), username="agent")
    page = demo.client("agent").post(
        "/window/agencies/",
        {
            "uscc": NEW_USCC,
            "agency": agency_of("applicant").pk,
            "decision": "revoke",
            "reason": REASON,
        },
    )

    assert by_agent.status_code == 403
    assert by_agent.json()["code"] == "permission.role_required"
    assert by_revoked.status_code == 403
    assert by_revoked.json()["code"] == "permission.role_required"
    assert page.status_code == 403
    assert agency_of("applicant").status == AgencyStatus.VERIFIED


def test_other_centres_clerk_revokes_at_own_centre(demo, other_centre):
    verified_agents(demo)

    wrong = revoke(demo, agency_of("applicant"), username="nanhai-clerk")
    right = revoke(
        demo, agency_of("applicant"), username="nanhai-clerk", slug=other_centre.slug
    )

    assert wrong.status_code == 403
    assert wrong.json()["code"] == "permission.role_required"
    assert right.status_code == 200, right.content
    assert agency_of("applicant").revoked_at_centre == other_centre
    assert AuditEvent.objects.get(verb="agency.revoked").centre == other_centre


def test_clerk_of_enterprise_cannot_revoke(demo):
    verified_agents(demo)
    Person.objects.create(
        user=demo.user("clerk"),
        id_number="110101199003077758",
        name="张伟",
        birth_date=dt.date(1990, 3, 7),
    )
    claim(demo, username="clerk", legal_representative="张伟")

    response = revoke(demo, agency_of("applicant"))

    assert response.status_code == 403
    assert response.json()["code"] == "agency.own_enterprise"
    assert NEW_USCC_MASKED in response.json()["message"]
    assert agency_of("applicant").status == AgencyStatus.VERIFIED


def test_window_page_revokes_agency(demo):
    verified_agents(demo)
    clerk = demo.client("clerk")
    agency = agency_of("applicant")

    missing = clerk.post(
        "/window/agencies/",
        {"uscc": NEW_USCC, "agency": agency.pk, "decision": "revoke", "reason": ""},
    )
    response = clerk.post(
        "/window/agencies/",
        {"uscc": NEW_USCC, "agency": agency.pk, "decision": "revoke", "reason": REASON},
    )
    page = clerk.get(f"/window/agencies/?uscc={NEW_USCC}").content.decode()

    assert missing.status_code == 400
    assert 'data-code="agency.reason_invalid"' in missing.content.decode()
    assert response.status_code == 302
    assert agency_of("applicant").status == AgencyStatus.REVOKED
    assert 'data-status="revoked"' in page
    assert REASON in page
    assert page.count('class="revoke"') == 1
