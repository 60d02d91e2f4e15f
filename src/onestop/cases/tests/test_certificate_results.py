"""Certificates as case results, verified publicly and offline, and reused as materials."""

from __future__ import annotations

import datetime

import pytest
from django.test import Client

from onestop.cases.models import Case, CaseState, SubmissionKind
from onestop.catalog.models import Matter
from onestop.certificates.actions import revoke_certificate
from onestop.certificates.models import (
    Certificate,
    CertificateStatus,
    CertificateUse,
)
from onestop.core import outbox
from onestop.core.ledger.bundle import verify_proof_bundle
from onestop.core.ledger.checkpoint import get_vkey
from onestop.identity.models import Person
from onestop.testing import material_files, upload, valid_form

pytestmark = pytest.mark.django_db

ID_CARD = "id-card-renewal"
BIRTH = "birth-registration"


def apply(demo, client, matter_id, *, files=None, extra=None, key=None):
    matter = Matter.objects.get(centre=demo.centre, pack_id=matter_id)
    # The form's applicant name is the signed-in person's, which a test may change.
    name = Person.objects.get(user_id=client.session["_auth_user_id"]).name
    data = {"centre": demo.centre.slug, "matter": matter_id}
    data.update(valid_form(matter, name=name))
    data.update(material_files(matter) if files is None else files)
    data.update(extra or {})
    headers = {"Idempotency-Key": key} if key else {}
    return client.post("/api/v1/cases", data, headers=headers)


def issue_id_card(demo) -> Certificate:
    """Take an ID card renewal through to approval by the public security reviewer."""
    number = accepted_id_card_case(demo)
    response = demo.client("reviewer-public_security").post(
        f"/api/v1/cases/{number}/approve",
        {"opinion": "准予换领", "face": {"ethnicity": "汉"}},
        content_type="application/json",
    )
    assert response.status_code == 200, response.content
    assert response.json()["state"] == CaseState.RESULT_ISSUED
    return Certificate.objects.get(case_number=number)


def test_approval_issues_certificate_to_applicant(demo):
    certificate = issue_id_card(demo)
    assert certificate.holder_code == "440604198503150024"
    assert certificate.face["gender"] == "女"
    assert certificate.face["birth_date"] == "1985-03-15"
    result = Case.objects.get(number=certificate.case_number).documents.get(
        kind="result"
    )
    assert result.data["certificate"] == certificate.identifier


def test_id_card_term_between_26_and_45(demo):
    certificate = issue_id_card(demo)

    # The applicant was born on 15 March 1985, so is between 26 and 45 until 2031.
    start = certificate.valid_from
    assert certificate.valid_until == start.replace(
        year=start.year + 20
    ) - datetime.timedelta(days=1)
    assert certificate.face["valid_until"] == certificate.valid_until.isoformat()
    assert certificate.document["valid_until"] == certificate.valid_until.isoformat()


def test_second_id_card_supersedes_first(demo):
    first = issue_id_card(demo)

    second = issue_id_card(demo)

    first.refresh_from_db()
    assert first.status == CertificateStatus.SUPERSEDED
    assert second.previous == first
    assert second.version == first.version + 1
    assert second.serial == first.serial
    valid = Certificate.objects.filter(
        holder_code=first.holder_code,
        certificate_type=first.certificate_type,
        status=CertificateStatus.VALID,
    )
    assert list(valid) == [second]
    response = Client().get(f"/api/v1/certificates/{first.identifier}/verification")
    assert response.json()["result"] == "superseded"
    page = Client().get(f"/verify/{first.identifier}")
    assert page.status_code == 200
    assert page.context["verification"].result == "superseded"


def accepted_id_card_case(demo) -> str:
    """Apply for an ID card as the applicant, accept it, and return the case number."""
    number = apply(demo, demo.client("applicant"), ID_CARD).json()["number"]
    demo.client("clerk").post(
        f"/api/v1/cases/{number}/accept", {}, content_type="application/json"
    )
    outbox.drain()
    return number


def test_missing_face_field_blocks_approval(demo):
    number = accepted_id_card_case(demo)
    response = demo.client("reviewer-public_security").post(
        f"/api/v1/cases/{number}/approve",
        {"opinion": "x"},
        content_type="application/json",
    )
    assert response.status_code == 400
    assert response.json()["code"] == "certificate.face_field_missing"
    assert response.json()["details"]["key"] == "ethnicity"
    assert Case.objects.get(number=number).state == CaseState.IN_REVIEW
    assert not Certificate.objects.exists()


def test_unknown_face_key_lists_accepted_keys(demo):
    number = accepted_id_card_case(demo)
    response = demo.client("reviewer-public_security").post(
        f"/api/v1/cases/{number}/approve",
        {"opinion": "同意", "face": {"民族": "汉"}},
        content_type="application/json",
        headers={"accept-language": "zh-hans"},
    )
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "certificate.face_field_unknown"
    assert body["details"]["key"] == "民族"
    assert "ethnicity（民族）" in body["message"]
    assert "“民族”不是证照" in body["message"]
    assert Case.objects.get(number=number).state == CaseState.IN_REVIEW
    assert not Certificate.objects.exists()


def test_derived_face_key_is_rejected(demo):
    number = accepted_id_card_case(demo)
    response = demo.client("reviewer-public_security").post(
        f"/api/v1/cases/{number}/approve",
        {"opinion": "同意", "face": {"ethnicity": "汉", "holder_name": "某人"}},
        content_type="application/json",
    )
    assert response.status_code == 400
    assert response.json()["details"]["key"] == "holder_name"
    assert not Certificate.objects.exists()


def test_public_verification_and_offline_proof(demo):
    certificate = issue_id_card(demo)
    response = Client().get(
        f"/api/v1/certificates/{certificate.identifier}/verification"
    )
    assert response.status_code == 200
    assert response.json()["result"] == "valid"
    assert "440604198503150024" not in response.content.decode()
    page = Client().get(f"/verify/{certificate.identifier}")
    assert page.status_code == 200

    bundle = Client().get(f"/api/v1/certificates/{certificate.identifier}/proof")
    assert bundle.status_code == 200
    verified = verify_proof_bundle(bundle.content.decode(), get_vkey())
    assert verified.index >= 0
    tampered = bundle.content.decode().replace("index ", "index 1", 1)
    with pytest.raises(Exception):  # noqa: B017, PT011  (any verification error)
        verify_proof_bundle(tampered, get_vkey())


def test_offline_proof_of_superseded_certificate_says_superseded(demo):
    first = issue_id_card(demo)
    issue_id_card(demo)

    bundle = Client().get(f"/api/v1/certificates/{first.identifier}/proof")

    assert bundle.status_code == 200
    verified = verify_proof_bundle(bundle.content.decode(), get_vkey())
    assert verified.document["kind"] == "certificate.superseded"
    assert verified.document["body"]["status"] == "superseded"


def test_second_application_reuses_certificate(demo):
    certificate = issue_id_card(demo)
    applicant = demo.client("applicant")
    page = applicant.get(
        f"/portal/{demo.centre.slug}/matters/{BIRTH}/apply/"
    ).content.decode()
    assert certificate.identifier in page

    response = apply_with_id_card(demo, applicant, certificate)
    assert response.status_code == 201, response.content
    case = Case.objects.get(number=response.json()["number"])
    submission = case.submissions.get(material_key="applicant_id_card")
    assert submission.kind == SubmissionKind.CERTIFICATE
    use = CertificateUse.objects.get(certificate=certificate)
    assert use.case_number == case.number

    holder_page = applicant.get("/portal/certificates/").content.decode()
    assert case.number in holder_page


def apply_with_id_card(demo, applicant, certificate):
    """Apply for BIRTH with the ID card certificate in place of its upload."""
    files = material_files(Matter.objects.get(centre=demo.centre, pack_id=BIRTH))
    files.pop("material.applicant_id_card")
    return apply(
        demo,
        applicant,
        BIRTH,
        files=files,
        extra={
            "certificate.applicant_id_card": certificate.identifier,
            "certificate_consent": "on",
        },
    )


def test_use_log_names_role_and_material(demo):
    certificate = issue_id_card(demo)
    applicant = demo.client("applicant")
    response = apply_with_id_card(demo, applicant, certificate)
    assert response.status_code == 201, response.content
    number = response.json()["number"]
    guide = Case.objects.get(number=number).matter_version.guide
    name = next(m["name"] for m in guide.materials if m["key"] == "applicant_id_card")

    page = applicant.get(
        "/portal/certificates/", headers={"Accept-Language": "zh-hans"}
    ).content.decode()

    use_line = next(line for line in page.splitlines() if number in line)
    assert f"· 申请人 · 办件 {number} · {name}</li>" in use_line
    assert "applicant_id_card" not in use_line


def test_reuse_needs_consent(demo):
    certificate = issue_id_card(demo)
    matter = Matter.objects.get(centre=demo.centre, pack_id=BIRTH)
    files = material_files(matter)
    files.pop("material.applicant_id_card")
    response = apply(
        demo,
        demo.client("applicant"),
        BIRTH,
        files=files,
        extra={"certificate.applicant_id_card": certificate.identifier},
    )
    assert response.status_code == 400
    assert response.json()["code"] == "certificate.consent_required"


def test_someone_elses_certificate_rejected(demo):
    certificate = issue_id_card(demo)
    matter = Matter.objects.get(centre=demo.centre, pack_id=BIRTH)
    files = material_files(matter)
    files.pop("material.applicant_id_card")
    response = apply(
        demo,
        demo.client("agent"),
        BIRTH,
        files=files,
        extra={
            "certificate.applicant_id_card": certificate.identifier,
            "certificate_consent": "on",
        },
    )
    assert response.status_code == 403
    assert response.json()["code"] == "certificate.holder_mismatch"
    assert not Case.objects.filter(person__user__username="agent").exists()


def test_revoked_certificate_not_usable(demo):
    certificate = issue_id_card(demo)
    revoke_certificate(certificate, actor=None, reason="证件遗失")
    matter = Matter.objects.get(centre=demo.centre, pack_id=BIRTH)
    files = material_files(matter)
    files.pop("material.applicant_id_card")
    response = apply(
        demo,
        demo.client("applicant"),
        BIRTH,
        files=files,
        extra={
            "certificate.applicant_id_card": certificate.identifier,
            "certificate_consent": "on",
        },
    )
    assert response.status_code == 409
    assert response.json()["code"] == "certificate.not_usable"


def test_holder_downloads_pdf_and_signed_file(demo):
    certificate = issue_id_card(demo)
    applicant = demo.client("applicant")
    pdf = applicant.get(f"/portal/certificates/{certificate.identifier}/pdf")
    assert pdf["Content-Type"] == "application/pdf"
    signed = applicant.get(f"/api/v1/certificates/{certificate.identifier}/signed")
    assert signed.status_code == 200
    assert signed.json()["document"]
    other = demo.client("agent").get(
        f"/api/v1/certificates/{certificate.identifier}/signed"
    )
    assert other.status_code == 403
    assert other.json()["code"] == "certificate.access_denied"


def test_upload_after_reuse_choice_still_checked(demo):
    matter = Matter.objects.get(centre=demo.centre, pack_id=BIRTH)
    files = material_files(matter)
    files["material.applicant_id_card"] = upload("id.jpg")
    response = apply(demo, demo.client("applicant"), BIRTH, files=files)
    assert response.status_code == 415
