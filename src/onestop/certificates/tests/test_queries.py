"""Verification results, public summaries and the reuse of certificates as materials."""

from __future__ import annotations

import datetime
import re

import pytest

from onestop.certificates.actions import (
    renew_certificate,
    revoke_certificate,
    verify_certificate,
)
from onestop.certificates.errors import CertificateAccessDenied
from onestop.certificates.identifiers import (
    InvalidCertificateId,
    build_identifier,
    normalise_identifier,
)
from onestop.certificates.models import Certificate
from onestop.certificates.queries import (
    certificate_document,
    certificates_of_person,
    find_verification,
    get_certificate_for,
    valid_certificates_of,
)
from onestop.certificates.tests.conftest import (
    ENTERPRISE_USCC,
    ISSUER_USCC,
    PERSON_ID,
    _staff,
)
from onestop.core.ledger.actions import subject_reference
from onestop.core.models import AuditEvent, Role

UNKNOWN = build_identifier("11100000000013338W009", ISSUER_USCC, "209901010001", 1)


def test_issued_certificate_is_valid(licence):
    verification = find_verification(
        licence.identifier, today=datetime.date(2025, 6, 1)
    )

    assert verification.result == "valid"
    assert verification.is_valid


def test_unknown_identifier_is_not_found(db):
    verification = find_verification(UNKNOWN)

    assert verification.result == "not_found"
    assert verification.certificate is None


def test_malformed_identifier_raises(db):
    with pytest.raises(InvalidCertificateId):
        find_verification("1.2.156.3005.2.x")


def test_certificate_past_end_is_expired(licence):
    verification = find_verification(
        licence.identifier, today=datetime.date(2030, 5, 22)
    )

    assert verification.result == "expired"


def test_last_day_is_still_valid(licence):
    verification = find_verification(
        licence.identifier, today=datetime.date(2030, 5, 21)
    )

    assert verification.result == "valid"


def test_revoked_certificate_is_revoked(licence, department_admin):
    revoke_certificate(licence, actor=department_admin, reason="吊销")

    assert find_verification(licence.identifier).result == "revoked"


def test_renewed_certificate_points_to_latest(licence, reviewer):
    renewed = renew_certificate(licence, actor=reviewer)

    summary = find_verification(licence.identifier).as_public_dict()

    assert summary["result"] == "superseded"
    assert summary["latest_version"] == renewed.identifier


def test_tampered_certificate_fails_signature(licence):
    Certificate.objects.filter(pk=licence.pk).update(
        document={**licence.document, "valid_until": "2099-12-31"}
    )

    summary = find_verification(licence.identifier).as_public_dict()

    assert summary["result"] == "signature_invalid"
    assert "holder_name" not in summary


def test_public_summary_masks_holder_code(licence):
    summary = find_verification(licence.identifier).as_public_dict()

    assert summary["holder_code"] == "9144**********2YX9"
    assert ENTERPRISE_USCC not in str(summary)


def test_public_summary_masks_person_name(person_type, issuer, reviewer):
    from onestop.certificates.actions import issue_certificate

    certificate = issue_certificate(
        actor=reviewer,
        certificate_type=person_type,
        issuer=issuer,
        holder_code="11010519491231002X",
        holder_name="欧阳娜娜",
    )

    summary = find_verification(certificate.identifier).as_public_dict()

    assert summary["holder_name"] == "欧阳**"
    assert "11010519491231002X" not in str(summary)


def test_enterprise_name_is_not_masked(licence):
    summary = find_verification(licence.identifier).as_public_dict()

    assert summary["holder_name"] == "佛山市禅城区欧阳记餐饮有限公司"


def test_verify_check_is_audited(licence):
    verify_certificate(licence.identifier, actor=None, channel="page")

    event = AuditEvent.objects.get(verb="certificate.verified")
    assert event.object_id == licence.identifier
    assert event.data == {"result": "valid", "channel": "page"}
    assert event.centre == licence.centre


def test_unknown_check_is_audited(db):
    verify_certificate(UNKNOWN, actor=None, channel="api")

    event = AuditEvent.objects.get(verb="certificate.verified")
    assert event.data["result"] == "not_found"
    assert event.centre is None
    assert event.object_id == subject_reference(UNKNOWN)


def test_malformed_check_is_audited_and_raises(db):
    with pytest.raises(InvalidCertificateId):
        verify_certificate("not an identifier", actor=None, channel="page")

    event = AuditEvent.objects.get(verb="certificate.verified")
    assert event.data["result"] == "invalid_identifier"


@pytest.mark.parametrize(
    "sent",
    [
        PERSON_ID,
        "４４０６０４１９８５０３１５００２４",
        "任何文字 <script>" * 20,
        "1.2.156.3005.2." + PERSON_ID,
    ],
)
def test_malformed_check_stores_keyed_hash(db, sent):
    with pytest.raises(InvalidCertificateId):
        verify_certificate(sent, actor=None, channel="api")

    event = AuditEvent.objects.get(verb="certificate.verified")
    assert event.object_id == subject_reference(normalise_identifier(sent))
    assert re.fullmatch("[0-9a-f]{64}", event.object_id)
    assert event.data == {"result": "invalid_identifier", "channel": "api"}


def test_unknown_identifier_with_id_number_not_stored(db):
    unknown = build_identifier("11100000000013338W009", ISSUER_USCC, PERSON_ID, 1)

    verify_certificate(unknown, actor=None, channel="page")

    event = AuditEvent.objects.get(verb="certificate.verified")
    assert PERSON_ID not in event.object_id
    assert event.object_id == subject_reference(unknown)


def test_holder_certificates_exclude_revoked_and_expired(
    licence, licence_type, issuer, reviewer
):
    from onestop.certificates.actions import issue_certificate

    expired = issue_certificate(
        actor=reviewer,
        certificate_type=licence_type,
        issuer=issuer,
        holder_code=ENTERPRISE_USCC,
        holder_name="欧阳记",
        face={"operator": "欧阳记", "scope": "预包装食品销售"},
        valid_from=datetime.date(2020, 1, 1),
        valid_until=datetime.date(2024, 12, 31),
    )
    revoked = issue_certificate(
        actor=reviewer,
        certificate_type=licence_type,
        issuer=issuer,
        holder_code=ENTERPRISE_USCC,
        holder_name="欧阳记",
        face={"operator": "欧阳记", "scope": "预包装食品销售"},
    )
    revoke_certificate(revoked, actor=None, reason="注销")

    found = list(valid_certificates_of(licence.centre, ENTERPRISE_USCC.lower()))

    assert found == [licence]
    assert expired not in found


def test_staff_of_centre_see_certificate(licence, clerk):
    assert get_certificate_for(clerk, licence.identifier) == licence
    event = AuditEvent.objects.get(verb="certificate.viewed")
    assert event.actor == clerk
    assert event.actor_role == "clerk"
    assert event.object_id == licence.identifier
    assert event.data == {"case_number": licence.case_number}


def test_issuing_reviewer_sees_certificate(licence, reviewer):
    assert get_certificate_for(reviewer, licence.identifier) == licence


def test_other_department_reviewer_denied(licence, other_reviewer):
    with pytest.raises(CertificateAccessDenied):
        get_certificate_for(other_reviewer, licence.identifier)
    assert not AuditEvent.objects.filter(verb="certificate.viewed").exists()


def test_other_centre_clerk_denied(licence, other_centre):
    clerk = _staff("nanhai-clerk", other_centre, Role.CLERK)

    with pytest.raises(CertificateAccessDenied):
        get_certificate_for(clerk, licence.identifier)


def test_anonymous_cannot_see_full_certificate(licence):
    from django.contrib.auth.models import AnonymousUser

    with pytest.raises(CertificateAccessDenied):
        get_certificate_for(AnonymousUser(), licence.identifier)


def test_printable_face_uses_labels(licence):
    face = certificate_document(licence)

    assert ("经营者名称", LICENCE_OPERATOR) in face.face_fields
    assert face.holder_code_masked == "9144**********2YX9"
    assert face.verification_url.endswith(f"/verify/{licence.identifier}")
    assert face.expiry_date == datetime.date(2030, 5, 21)


LICENCE_OPERATOR = "佛山市禅城区欧阳记餐饮有限公司"


def make_person(username, id_number):
    from django.contrib.auth import get_user_model

    from onestop.identity.models import Person

    user = get_user_model().objects.create_user(username=username, password=None)
    return Person.objects.create(
        user=user,
        id_number=id_number,
        name="王芳",
        birth_date=datetime.date(1949, 12, 31),
    )


def make_enterprise_agent(person):
    from onestop.identity.models import AgencyStatus, Enterprise, EnterpriseAgent

    enterprise = Enterprise.objects.create(
        uscc=ENTERPRISE_USCC, name=LICENCE_OPERATOR, legal_representative="欧阳明"
    )
    EnterpriseAgent.objects.create(
        enterprise=enterprise, person=person, status=AgencyStatus.VERIFIED
    )
    return enterprise


def test_agent_gets_enterprise_certificates_with_name(licence):
    agent = make_person("agent", PERSON_ID)
    make_enterprise_agent(agent)

    found = list(certificates_of_person(agent))

    assert found == [licence]
    assert found[0].enterprise_name == LICENCE_OPERATOR


def test_pending_agent_gets_no_enterprise_certificates(licence):
    from onestop.identity.models import AgencyStatus, EnterpriseAgent

    agent = make_person("agent", PERSON_ID)
    make_enterprise_agent(agent)
    EnterpriseAgent.objects.update(status=AgencyStatus.PENDING)

    assert list(certificates_of_person(agent)) == []


def test_person_without_agency_gets_no_enterprise_certificates(licence):
    other = make_person("other", "440604198503150024")
    make_enterprise_agent(make_person("agent", PERSON_ID))

    assert list(certificates_of_person(other)) == []


def test_own_certificate_has_no_enterprise_name(person_type, issuer, reviewer):
    from onestop.certificates.actions import issue_certificate

    person = make_person("holder", PERSON_ID)
    own = issue_certificate(
        actor=reviewer,
        certificate_type=person_type,
        issuer=issuer,
        holder_code=PERSON_ID,
        holder_name="王芳",
        face={},
    )

    found = list(certificates_of_person(person))

    assert found == [own]
    assert found[0].enterprise_name is None
