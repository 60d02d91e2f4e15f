"""Revoking through the API, and the error for malformed identifiers on every endpoint."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from django.test import Client

from onestop.certificates.identifiers import build_identifier
from onestop.certificates.models import CertificateStatus
from onestop.certificates.tests.conftest import ISSUER_USCC
from onestop.core.ledger.models import LedgerEntry
from onestop.core.models import AuditEvent, Membership, Role

API = "/api/v1/certificates"
API_DOCS = Path(__file__).resolve().parents[4] / "docs" / "api.md"


def _client(user=None):
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    if user is not None:
        client.force_login(user)
    return client


def _revoke(client, identifier, body=None):
    return client.post(
        f"{API}/{identifier}/revoke",
        json.dumps({"reason": "经营者申请注销"} if body is None else body),
        content_type="application/json",
    )


def _wrong_check(identifier):
    return identifier[:-1] + ("1" if identifier[-1] != "1" else "2")


def test_department_admin_revokes_with_reason(licence, department_admin):
    response = _revoke(_client(department_admin), licence.identifier)

    licence.refresh_from_db()
    body = response.json()
    assert response.status_code == 200, response.content
    assert body["status"] == "revoked"
    assert body["revocation_reason"] == "经营者申请注销"
    assert licence.status == CertificateStatus.REVOKED
    event = AuditEvent.objects.get(verb="certificate.revoked")
    assert event.actor_role == "department_admin"
    assert event.object_id == licence.identifier
    assert LedgerEntry.objects.filter(kind="certificate.revoked").count() == 1


def test_centre_admin_revokes(licence, centre_admin):
    response = _revoke(_client(centre_admin), licence.identifier)

    assert response.status_code == 200, response.content
    assert response.json()["status"] == "revoked"


def test_revoked_certificate_checks_as_revoked(licence, centre_admin):
    _revoke(_client(centre_admin), licence.identifier)

    response = _client().get(f"{API}/{licence.identifier}/verification")

    assert response.json()["result"] == "revoked"


def test_revoke_without_reason_is_400(licence, department_admin):
    response = _revoke(_client(department_admin), licence.identifier, {"reason": " "})

    licence.refresh_from_db()
    assert response.status_code == 400
    assert response.json()["code"] == "certificate.reason_required"
    assert licence.status == CertificateStatus.VALID


def test_revoke_with_missing_reason_is_422(licence, department_admin):
    response = _revoke(_client(department_admin), licence.identifier, {})

    assert response.status_code == 422
    assert response.json()["code"] == "request.invalid"


@pytest.mark.parametrize(
    ("reason", "code"),
    [
        ("理由" * 251, "certificate.reason_invalid"),
        ("撤销\u202e理由", "certificate.reason_invalid"),
        ("a\u0000b", "request.control_character"),
    ],
)
def test_revoke_rejects_long_or_hidden_reason(licence, department_admin, reason, code):
    response = _revoke(
        _client(department_admin), licence.identifier, {"reason": reason}
    )

    licence.refresh_from_db()
    assert response.status_code == 400
    assert response.json()["code"] == code
    assert licence.status == CertificateStatus.VALID


def test_revoke_twice_is_409(licence, department_admin):
    client = _client(department_admin)
    _revoke(client, licence.identifier)

    response = _revoke(client, licence.identifier)

    assert response.status_code == 409
    assert response.json()["code"] == "certificate.not_valid"


@pytest.mark.parametrize(
    ("persona", "code"),
    [
        ("reviewer", "permission.role_required"),
        ("clerk", "permission.role_required"),
        ("other_department_admin", "permission.other_department"),
    ],
)
def test_other_staff_cannot_revoke(request, licence, persona, code):
    user = request.getfixturevalue(persona)

    response = _revoke(_client(user), licence.identifier)

    licence.refresh_from_db()
    assert response.status_code == 403
    assert response.json()["code"] == code
    assert licence.status == CertificateStatus.VALID


def test_api_docs_give_revoke_permission_codes():
    text = API_DOCS.read_text("utf-8")
    section = text[text.index("## Revoke a certificate") :]
    section = " ".join(section.split("\n## ")[0].split())

    assert (
        "the admin of another department of the centre `403` with "
        "`permission.other_department`" in section
    )
    assert "the staff of another centre get `403` with `permission.role_required`" in (
        section
    )


def test_admin_of_other_centre_cannot_revoke(licence, other_centre):
    admin = get_user_model().objects.create_user("other-centre-admin", password=None)
    Membership.objects.create(user=admin, centre=other_centre, role=Role.CENTRE_ADMIN)

    response = _revoke(_client(admin), licence.identifier)

    assert response.status_code == 403
    assert response.json()["code"] == "permission.role_required"


def test_guest_cannot_revoke(licence):
    response = _revoke(_client(), licence.identifier)

    assert response.status_code == 401


def test_revoke_unknown_certificate_is_404(licence, department_admin):
    unknown = build_identifier(
        licence.certificate_type.code, ISSUER_USCC, "209901010001", 1
    )

    response = _revoke(_client(department_admin), unknown)

    assert response.status_code == 404
    assert response.json()["code"] == "certificate.not_found"


@pytest.mark.parametrize("endpoint", ["verification", "signed", "pdf", "proof"])
def test_wrong_check_character_is_400_everywhere(licence, department_admin, endpoint):
    wrong = _wrong_check(licence.identifier)

    response = _client(department_admin).get(f"{API}/{wrong}/{endpoint}")

    assert response.status_code == 400
    assert response.json()["code"] == "certificate_id.check"


def test_revoke_with_wrong_check_character_is_400(licence, department_admin):
    response = _revoke(_client(department_admin), _wrong_check(licence.identifier))

    assert response.status_code == 400
    assert response.json()["code"] == "certificate_id.check"


@pytest.mark.parametrize("endpoint", ["verification", "signed", "pdf", "proof"])
def test_malformed_identifier_is_400_everywhere(db, department_admin, endpoint):
    response = _client(department_admin).get(f"{API}/1.2.156.3005.2.abc/{endpoint}")

    assert response.status_code == 400
    assert response.json()["code"] == "certificate_id.format"
