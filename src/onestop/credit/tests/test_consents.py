"""Consents: who may give one, how long it lasts, listing and revoking."""

from __future__ import annotations

import pytest

from onestop.core.ledger.actions import subject_reference
from onestop.core.models import AuditEvent
from onestop.credit.models import Consent
from onestop.credit.tests.helpers import (
    APPLICANT_ID,
    BANK_USCC,
    ENTERPRISE_USCC,
    consent_request,
    issue_token,
)

pytestmark = pytest.mark.django_db


def post_consent(demo, username: str, **overrides):
    return demo.client(username).post(
        f"/api/v1/credit/centres/{demo.centre.slug}/consents",
        consent_request(**overrides),
        content_type="application/json",
    )


def test_person_issues_consent_for_bank(demo):
    response = post_consent(demo, "applicant")

    assert response.status_code == 201, response.content
    consent = Consent.objects.get()
    assert consent.subject_reference == subject_reference(APPLICANT_ID)
    assert consent.recipient_uscc == BANK_USCC
    assert response.json()["token"].count(".") == 2
    assert AuditEvent.objects.filter(verb="credit.consent_issued").count() == 1


def test_consent_token_is_not_stored(demo):
    token = issue_token(demo)

    consent = Consent.objects.get()
    assert token not in str(consent.__dict__)


def test_agent_issues_consent_for_enterprise(demo):
    response = post_consent(demo, "agent", enterprise=ENTERPRISE_USCC)

    assert response.status_code == 201, response.content
    assert Consent.objects.get().subject_reference == subject_reference(ENTERPRISE_USCC)


def test_non_agent_may_not_consent_for_enterprise(demo):
    response = post_consent(demo, "applicant", enterprise=ENTERPRISE_USCC)

    assert response.status_code == 403
    assert response.json()["code"] == "credit.not_the_subject"


def test_staff_without_person_may_not_consent(demo):
    response = post_consent(demo, "clerk")

    assert response.status_code == 403
    assert response.json()["code"] == "credit.not_a_person"


@pytest.mark.parametrize("days", [0, 31, -1])
def test_consent_longer_than_maximum_is_rejected(demo, days):
    response = post_consent(demo, "applicant", days=days)

    assert response.status_code == 400
    assert response.json()["code"] == "credit.expiry_invalid"
    assert response.json()["details"]["maximum"] == 30


@pytest.mark.parametrize(
    ("member", "value"),
    [
        ("days", "7"),
        ("days", 7.0),
        ("days", True),
        ("single_use", "false"),
        ("single_use", 0),
    ],
)
def test_consent_member_of_wrong_type_is_rejected(demo, member, value):
    response = post_consent(demo, "applicant", **{member: value})

    assert response.status_code == 422
    assert response.json()["code"] == "request.invalid"
    assert response.json()["details"]["errors"][0]["location"][-1] == member
    assert not Consent.objects.exists()


def test_invalid_recipient_code_is_rejected(demo):
    response = post_consent(demo, "applicant", recipient_uscc="91440600MA4W1X2Y30")

    assert response.status_code == 400
    assert response.json()["code"].startswith("uscc.")


def test_missing_purpose_is_rejected(demo):
    response = post_consent(demo, "applicant", purpose=" ")

    assert response.json()["code"] == "credit.consent_field_missing"


def test_subject_lists_own_consents_only(demo):
    issue_token(demo, "applicant")
    issue_token(demo, "agent")

    response = demo.client("applicant").get("/api/v1/credit/consents")

    assert response.status_code == 200
    assert [item["recipient_uscc"] for item in response.json()] == [BANK_USCC]


def test_other_person_may_not_revoke_consent(demo):
    issue_token(demo, "applicant")
    consent = Consent.objects.get()

    response = demo.client("agent").post(
        f"/api/v1/credit/consents/{consent.pk}/revocation"
    )

    assert response.status_code == 404
    assert response.json()["code"] == "credit.consent_not_found"
    consent.refresh_from_db()
    assert consent.revoked_at is None


# A USCC whose last character does not match the other 17.
WRONG_CHECK_USCC = "91440600MA4W1X2Y30"


def post_consent_in(demo, language: str, **overrides):
    return demo.client("agent").post(
        f"/api/v1/credit/centres/{demo.centre.slug}/consents",
        consent_request(**overrides),
        content_type="application/json",
        headers={"Accept-Language": language},
    )


@pytest.mark.parametrize("member", ["recipient_uscc", "enterprise"])
def test_wrong_check_character_names_member(demo, member):
    response = post_consent_in(demo, "en", **{member: WRONG_CHECK_USCC})

    assert response.status_code == 400, response.content
    body = response.json()
    assert body["code"] == "uscc.check_character"
    assert body["details"]["member"] == member
    assert body["details"]["value"] == WRONG_CHECK_USCC
    assert body["message"] == (
        f"{member}: The last character of unified social credit code "
        f"“{WRONG_CHECK_USCC}” does not match the other 17, so a character was "
        "probably mistyped. Re-type the code from the business licence or "
        "registration certificate."
    )
    assert not Consent.objects.exists()


@pytest.mark.parametrize("member", ["recipient_uscc", "enterprise"])
def test_wrong_check_character_member_in_chinese(demo, member):
    response = post_consent_in(demo, "zh-hans", **{member: WRONG_CHECK_USCC})

    body = response.json()
    assert response.status_code == 400, response.content
    assert body["details"]["member"] == member
    assert body["message"].startswith(f"{member}：")
    assert WRONG_CHECK_USCC in body["message"]


def test_short_enterprise_code_names_member(demo):
    response = post_consent_in(demo, "en", enterprise="9144")

    body = response.json()
    assert response.status_code == 400, response.content
    assert body["code"] == "uscc.length"
    assert body["details"]["member"] == "enterprise"
    assert body["message"].startswith("enterprise: A unified social credit code has 18")


def test_valid_enterprise_consent_issued(demo):
    response = post_consent_in(demo, "en", enterprise=ENTERPRISE_USCC)

    assert response.status_code == 201, response.content
