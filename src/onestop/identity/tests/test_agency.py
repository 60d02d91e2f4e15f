"""Agency verification: an online claim to act for an enterprise stays pending, and
only a window clerk's verification lets the person act for it."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

from onestop.cases.models import Case
from onestop.cases.tests.test_api_flow import apply, food_matter
from onestop.core.models import AuditEvent
from onestop.credit.models import Consent
from onestop.credit.tests.helpers import consent_request
from onestop.identity.models import AgencyAuthority, AgencyStatus, EnterpriseAgent
from onestop.identity.tasks import remove_expired_agency_claims
from onestop.testing import valid_form

pytestmark = pytest.mark.django_db

NEW_USCC = "91440300708461136T"
NEW_USCC_MASKED = "9144**********136T"
NEW_NAME = "深圳市新登记科技有限公司"
CLAIMED_AT = dt.datetime(2026, 11, 2, 9, 0, tzinfo=dt.UTC)


def claim(demo, username="applicant", legal_representative="李秀英"):
    return demo.client(username).post(
        "/api/v1/identity/enterprises",
        {
            "uscc": NEW_USCC,
            "name": NEW_NAME,
            "legal_representative": legal_representative,
        },
        content_type="application/json",
    )


def agency_of(username):
    return EnterpriseAgent.objects.get(
        enterprise__uscc=NEW_USCC, person__user__username=username
    )


def decide(demo, agency, decision, body, username="clerk", slug=None):
    return demo.client(username).post(
        f"/api/v1/centres/{slug or demo.centre.slug}/agencies/{agency.pk}/{decision}",
        body,
        content_type="application/json",
    )


def verify(demo, agency, username="clerk", **overrides):
    body = {"licence_seen": True, "authority": "power_of_attorney", **overrides}
    return decide(demo, agency, "verify", body, username=username)


def consent_for_enterprise(demo, username="applicant"):
    return demo.client(username).post(
        f"/api/v1/credit/centres/{demo.centre.slug}/consents",
        consent_request(enterprise=NEW_USCC),
        content_type="application/json",
    )


def apply_for_enterprise(demo, username="applicant", language="en"):
    matter = food_matter(demo)
    form = valid_form(matter)
    form["field.organisation_uscc"] = NEW_USCC
    form["field.organisation_name"] = NEW_NAME
    form["enterprise"] = NEW_USCC
    client = demo.client(username)
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = language
    return apply(client, demo, form=form, key=f"key-{language}")


def test_claim_by_legal_representative_name_stays_pending(demo):
    response = claim(demo)
    profile = demo.client("applicant").get("/api/v1/identity/me").json()

    assert response.status_code == 201, response.content
    assert response.json()["agency_status"] == "pending"
    assert agency_of("applicant").status == AgencyStatus.PENDING
    assert profile["enterprises"][0]["uscc"] == NEW_USCC
    assert profile["enterprises"][0]["status"] == "pending"
    assert AuditEvent.objects.filter(verb="agency.claimed").count() == 1


def test_pending_agent_cannot_apply_for_enterprise(demo):
    claim(demo)

    english = apply_for_enterprise(demo)
    chinese = apply_for_enterprise(demo, language="zh-hans")

    assert english.status_code == 403
    assert english.json()["code"] == "agency.not_verified"
    assert english.json()["details"] == {
        "enterprise": NEW_NAME,
        "uscc": NEW_USCC_MASKED,
    }
    message = english.json()["message"]
    assert f"{NEW_NAME} ({NEW_USCC_MASKED})" in message
    assert "business licence (营业执照)" in message
    assert "power of attorney (授权委托书)" in message
    assert NEW_USCC not in message
    assert chinese.status_code == 403
    assert NEW_USCC_MASKED in chinese.json()["message"]
    assert "营业执照" in chinese.json()["message"]
    assert "授权委托书" in chinese.json()["message"]
    assert "窗口" in chinese.json()["message"]
    assert Case.objects.count() == 0


def test_pending_agent_cannot_consent_for_enterprise(demo):
    claim(demo)

    response = consent_for_enterprise(demo)

    assert response.status_code == 403
    assert response.json()["code"] == "agency.not_verified"
    assert Consent.objects.count() == 0


def test_pending_agent_gets_no_prefill(demo):
    claim(demo)
    matter = food_matter(demo)

    page = demo.client("applicant").get(
        f"/portal/{demo.centre.slug}/matters/{matter.pack_id}/apply/?enterprise={NEW_USCC}"
    )

    assert page.status_code == 200
    assert NEW_NAME not in page.content.decode()


def test_verified_agent_may_act(demo):
    claim(demo)
    agency = agency_of("applicant")

    response = verify(demo, agency)
    agency.refresh_from_db()

    assert response.status_code == 200, response.content
    assert response.json()["status"] == "verified"
    assert response.json()["decided_at_centre"] == demo.centre.slug
    assert agency.status == AgencyStatus.VERIFIED
    assert agency.decided_by == demo.user("clerk")
    assert agency.decided_at_centre == demo.centre
    assert agency.licence_seen
    assert agency.authority == AgencyAuthority.POWER_OF_ATTORNEY
    event = AuditEvent.objects.get(verb="agency.verified")
    assert event.centre == demo.centre
    assert event.data["authority"] == "power_of_attorney"
    assert consent_for_enterprise(demo).status_code == 201
    applied = apply_for_enterprise(demo)
    assert applied.status_code == 201, applied.content


def test_legal_representative_authority_needs_same_name(demo):
    claim(demo, username="agent", legal_representative="李秀英")
    agency = agency_of("agent")

    response = verify(demo, agency, authority="legal_representative")

    assert response.status_code == 400
    assert response.json()["code"] == "agency.not_legal_representative"
    assert agency_of("agent").status == AgencyStatus.PENDING


def test_verify_needs_licence_seen(demo):
    claim(demo)

    response = verify(demo, agency_of("applicant"), licence_seen=False)

    assert response.status_code == 400
    assert response.json()["code"] == "agency.licence_not_seen"
    assert agency_of("applicant").status == AgencyStatus.PENDING


def test_decided_claim_cannot_be_decided_again(demo):
    claim(demo)
    agency = agency_of("applicant")
    verify(demo, agency)

    response = decide(demo, agency, "reject", {"reason": "委托书过期"})

    assert response.status_code == 409
    assert response.json()["code"] == "agency.not_pending"


def test_rejected_claim_shows_reason(demo):
    claim(demo)
    agency = agency_of("applicant")

    response = decide(demo, agency, "reject", {"reason": "授权委托书未盖公章"})
    page = demo.client("applicant").get("/accounts/profile/").content.decode()

    assert response.status_code == 200, response.content
    assert agency_of("applicant").status == AgencyStatus.REJECTED
    assert agency_of("applicant").rejection_reason == "授权委托书未盖公章"
    assert "授权委托书未盖公章" in page
    event = AuditEvent.objects.get(verb="agency.rejected")
    assert event.centre == demo.centre
    assert "授权委托书未盖公章" not in str(event.data)
    assert consent_for_enterprise(demo).json()["code"] == "credit.not_the_subject"


def test_rejection_needs_reason(demo):
    claim(demo)

    response = decide(demo, agency_of("applicant"), "reject", {"reason": "  "})

    assert response.status_code == 400
    assert response.json()["code"] == "agency.reason_invalid"


def test_other_centres_clerk_decides_at_own_centre(demo, other_centre):
    claim(demo)
    agency = agency_of("applicant")

    wrong = verify(demo, agency, username="nanhai-clerk")
    right = decide(
        demo,
        agency,
        "verify",
        {"licence_seen": True, "authority": "power_of_attorney"},
        username="nanhai-clerk",
        slug=other_centre.slug,
    )

    assert wrong.status_code == 403
    assert wrong.json()["code"] == "permission.role_required"
    assert right.status_code == 200, right.content
    assert agency_of("applicant").decided_at_centre == other_centre
    assert AuditEvent.objects.get(verb="agency.verified").centre == other_centre


def test_applicant_cannot_decide_claims(demo):
    claim(demo)

    response = verify(demo, agency_of("applicant"), username="agent")

    assert response.status_code == 403
    assert agency_of("applicant").status == AgencyStatus.PENDING


def test_second_claimant_while_first_pending(demo):
    first = claim(demo, username="applicant")
    second = claim(demo, username="agent", legal_representative="陈志强")

    assert first.status_code == 201
    assert second.status_code == 201, second.content
    assert agency_of("agent").status == AgencyStatus.PENDING

    verify(demo, agency_of("agent"))
    listed = demo.client("clerk").get(
        f"/api/v1/centres/{demo.centre.slug}/enterprises/{NEW_USCC}/agencies"
    )
    statuses = {a["agent_name_masked"]: a["status"] for a in listed.json()["agencies"]}

    assert statuses == {"李**": "pending", "陈**": "verified"}
    assert consent_for_enterprise(demo, "agent").status_code == 201
    assert consent_for_enterprise(demo, "applicant").status_code == 403


def test_second_agent_verified_after_first(demo):
    claim(demo, username="agent")
    verify(demo, agency_of("agent"))

    response = claim(demo, username="applicant", legal_representative="王五")
    pending = consent_for_enterprise(demo, "applicant")
    verified = verify(demo, agency_of("applicant"))

    assert response.status_code == 201, response.content
    assert response.json()["agency_status"] == "pending"
    assert response.json()["name"] == NEW_NAME
    assert pending.status_code == 403
    assert pending.json()["code"] == "agency.not_verified"
    assert verified.status_code == 200, verified.content
    assert agency_of("agent").status == AgencyStatus.VERIFIED
    assert agency_of("applicant").status == AgencyStatus.VERIFIED
    assert consent_for_enterprise(demo, "agent").status_code == 201
    assert consent_for_enterprise(demo, "applicant").status_code == 201


def test_pending_claim_expires(demo, settings):
    settings.ONESTOP_AGENCY_CLAIM_DAYS = 30
    with time_machine.travel(CLAIMED_AT, tick=False):
        claim(demo)
        claim(demo, username="agent", legal_representative="陈志强")
    verify(demo, agency_of("agent"))

    with time_machine.travel(CLAIMED_AT + dt.timedelta(days=29), tick=False):
        removed_early = remove_expired_agency_claims()
    with time_machine.travel(CLAIMED_AT + dt.timedelta(days=30, minutes=1)):
        removed = remove_expired_agency_claims()

    assert removed_early == 0
    assert removed == 1
    assert not EnterpriseAgent.objects.filter(person__user__username="applicant")
    assert agency_of("agent").status == AgencyStatus.VERIFIED


def test_demo_agent_is_verified(demo):
    agency = EnterpriseAgent.objects.get(person__user__username="agent")

    assert agency.status == AgencyStatus.VERIFIED
    assert agency.authority == AgencyAuthority.LEGAL_REPRESENTATIVE


def test_window_page_lists_masked_claimants_and_verifies(demo):
    claim(demo)
    clerk = demo.client("clerk")
    agency = agency_of("applicant")

    page = clerk.get(f"/window/agencies/?uscc={NEW_USCC}").content.decode()
    response = clerk.post(
        "/window/agencies/",
        {
            "uscc": NEW_USCC,
            "agency": agency.pk,
            "decision": "verify",
            "licence_seen": "on",
            "authority": "power_of_attorney",
        },
    )

    assert "李** 4406**********0024" in page
    assert "李秀英" in page  # the legal representative typed by the claimant
    assert "440604198503150024" not in page
    assert response.status_code == 302
    assert agency_of("applicant").status == AgencyStatus.VERIFIED


def test_window_page_shows_decision_error(demo):
    claim(demo)

    response = demo.client("clerk").post(
        "/window/agencies/",
        {"uscc": NEW_USCC, "agency": agency_of("applicant").pk, "decision": "reject"},
    )

    assert response.status_code == 400
    assert 'data-code="agency.reason_invalid"' in response.content.decode()


def test_profile_page_says_what_to_do(demo):
    claim(demo)

    page = demo.client("applicant").get("/accounts/profile/").content.decode()

    assert 'data-status="pending"' in page
    assert "power of attorney (授权委托书)" in page


@pytest.mark.django_db(transaction=True)
def test_migration_verifies_existing_agencies():
    executor = MigrationExecutor(connection)
    executor.migrate([("identity", "0002_sign_in_throttle")])
    try:
        old = executor.loader.project_state(("identity", "0002_sign_in_throttle")).apps
        user = old.get_model("auth", "User").objects.create(username="old-agent")
        person = old.get_model("identity", "Person").objects.create(
            user=user,
            id_number="440604198503150024",
            name="李秀英",
            birth_date=dt.date(1985, 3, 15),
        )
        enterprise = old.get_model("identity", "Enterprise").objects.create(
            uscc=NEW_USCC, name=NEW_NAME, legal_representative="李秀英"
        )
        old.get_model("identity", "EnterpriseAgent").objects.create(
            enterprise=enterprise, person=person
        )
    finally:
        executor = MigrationExecutor(connection)
        executor.loader.build_graph()
        executor.migrate(executor.loader.graph.leaf_nodes())

    agency = EnterpriseAgent.objects.get(enterprise__uscc=NEW_USCC)
    assert agency.status == AgencyStatus.VERIFIED
    assert agency.authority == AgencyAuthority.MIGRATION
    assert agency.decided_by is None
    assert agency.decided_at is not None
    assert agency.decided_at <= timezone.now()


@pytest.mark.parametrize("decision", ["Verify", "", "approve"])
def test_window_page_decides_nothing_on_an_unknown_decision(demo, decision):
    claim(demo)

    response = demo.client("clerk").post(
        "/window/agencies/",
        {
            "uscc": NEW_USCC,
            "agency": agency_of("applicant").pk,
            "decision": decision,
            "reason": "x",
            "licence_seen": "on",
            "authority": "power_of_attorney",
        },
    )

    assert response.status_code == 400
    assert 'data-code="agency.decision_unknown"' in response.content.decode()
    assert agency_of("applicant").status == AgencyStatus.PENDING


def test_failed_verification_keeps_the_licence_tick(demo):
    claim(demo)
    agency = agency_of("applicant")

    response = demo.client("clerk").post(
        "/window/agencies/",
        {
            "uscc": NEW_USCC,
            "agency": agency.pk,
            "decision": "verify",
            "licence_seen": "on",
            "authority": "a-letter-from-a-friend",
        },
    )

    assert response.status_code == 400
    assert 'name="licence_seen" required checked' in response.content.decode()
