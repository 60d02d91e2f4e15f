"""Correcting an enterprise's name and legal representative while verifying a claim:
the clerk types them as the business licence shows them, and the change is audited."""

from __future__ import annotations

import pytest

from onestop.core.models import AuditEvent
from onestop.identity.models import AgencyStatus, Enterprise
from onestop.identity.tests.test_agency import (
    NEW_NAME,
    NEW_USCC,
    agency_of,
    claim,
    verify,
)

pytestmark = pytest.mark.django_db

LICENCE_NAME = "深圳市新登记信息科技有限公司"


def enterprise():
    return Enterprise.objects.get(uscc=NEW_USCC)


def test_verify_corrects_name_and_representative(demo, caplog):
    # The agent 陈志强 is the legal representative, but claimed with another name.
    claim(demo, username="agent", legal_representative="李秀英")

    response = verify(
        demo,
        agency_of("agent"),
        authority="legal_representative",
        name=LICENCE_NAME,
        legal_representative="陈志强",
    )

    assert response.status_code == 200, response.content
    assert agency_of("agent").status == AgencyStatus.VERIFIED
    assert enterprise().name == LICENCE_NAME
    assert enterprise().legal_representative == "陈志强"
    event = AuditEvent.objects.get(verb="enterprise.corrected")
    assert event.centre == demo.centre
    assert event.actor == demo.user("clerk")
    assert event.object_id == str(enterprise().pk)
    assert event.data["changes"] == {
        "name": {"old": NEW_NAME, "new": LICENCE_NAME},
        "legal_representative": {"old": "李秀英", "new": "陈志强"},
    }
    assert "enterprise.corrected" in caplog.text
    assert "陈志强" not in caplog.text
    assert "李秀英" not in caplog.text


def test_unchanged_values_write_no_correction(demo):
    claim(demo)

    response = verify(
        demo, agency_of("applicant"), name=NEW_NAME, legal_representative=" 李秀英 "
    )

    assert response.status_code == 200, response.content
    assert enterprise().legal_representative == "李秀英"
    assert not AuditEvent.objects.filter(verb="enterprise.corrected").exists()


def test_omitted_values_keep_stored_ones(demo):
    claim(demo)

    response = verify(demo, agency_of("applicant"))

    assert response.status_code == 200, response.content
    assert enterprise().name == NEW_NAME
    assert not AuditEvent.objects.filter(verb="enterprise.corrected").exists()


def test_invalid_correction_saves_nothing(demo):
    claim(demo)

    response = verify(
        demo, agency_of("applicant"), name=" ", legal_representative="李<秀>英"
    )
    body = response.json()

    assert response.status_code == 400
    assert body["code"] == "identity.enterprise_correction_invalid"
    assert body["details"]["fields"]["name"]["code"] == (
        "identity.enterprise_name_invalid"
    )
    assert body["details"]["fields"]["legal_representative"]["code"] == (
        "identity.name_character_invalid"
    )
    assert enterprise().name == NEW_NAME
    assert agency_of("applicant").status == AgencyStatus.PENDING
    assert not AuditEvent.objects.filter(verb="enterprise.corrected").exists()


def test_failed_verification_undoes_correction(demo):
    claim(demo, username="agent", legal_representative="陈志强")

    response = verify(
        demo,
        agency_of("agent"),
        authority="legal_representative",
        name=LICENCE_NAME,
        legal_representative="王五",
    )

    assert response.status_code == 400
    assert response.json()["code"] == "agency.not_legal_representative"
    assert enterprise().name == NEW_NAME
    assert enterprise().legal_representative == "陈志强"
    assert not AuditEvent.objects.filter(verb="enterprise.corrected").exists()


def test_window_page_corrects_while_verifying(demo):
    claim(demo)
    clerk = demo.client("clerk")
    form = {
        "uscc": NEW_USCC,
        "agency": agency_of("applicant").pk,
        "decision": "verify",
        "licence_seen": "on",
        "authority": "power_of_attorney",
        "name": LICENCE_NAME,
        "legal_representative": "王五",
    }

    page = clerk.get(f"/window/agencies/?uscc={NEW_USCC}").content.decode()
    failed = clerk.post("/window/agencies/", {**form, "legal_representative": ""})
    response = clerk.post("/window/agencies/", form)

    assert f'name="name" required maxlength="200" value="{NEW_NAME}"' in page
    assert 'name="legal_representative" required maxlength="60" value="李秀英"' in page
    assert failed.status_code == 400
    assert 'data-code="identity.name_invalid"' in failed.content.decode()
    # The page shows the name that the clerk typed, not the stored one.
    assert f'value="{LICENCE_NAME}"' in failed.content.decode()
    assert response.status_code == 302
    assert enterprise().name == LICENCE_NAME
    assert enterprise().legal_representative == "王五"
    assert agency_of("applicant").status == AgencyStatus.VERIFIED
