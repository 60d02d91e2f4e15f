"""Files behind the API's links (receipt PDFs, certificate PDFs, uploaded materials) come
with the bearer token alone, scoped and audited like the pages that serve them."""

from __future__ import annotations

import pytest
from django.test import Client

from onestop.cases.models import Case
from onestop.cases.tests.test_certificate_results import issue_id_card
from onestop.cases.tests.test_receipts import accept_walk_in, apply_online
from onestop.certificates.models import Certificate
from onestop.core import outbox
from onestop.core.models import AuditEvent
from onestop.portal.demo import PASSWORD
from onestop.testing import PDF_BYTES

pytestmark = pytest.mark.django_db


def token_client(username: str) -> Client:
    """Return a client that sends only a bearer token, never a session cookie."""
    response = Client().post(
        "/api/v1/auth/token",
        {"username": username, "password": PASSWORD},
        content_type="application/json",
    )
    assert response.status_code == 200, response.content
    token = response.json()["token"]
    return Client(headers={"Authorization": f"Bearer {token}"})


def signed_receipt_url(demo) -> tuple[str, str]:
    """Accept a walk-in case, let the worker sign its receipt and return its pdf_url."""
    number = accept_walk_in(demo)["number"]
    outbox.drain()
    receipt = token_client("clerk").get(f"/api/v1/cases/{number}/receipt")
    assert receipt.status_code == 200, receipt.content
    return number, receipt.json()["pdf_url"]


def test_receipt_pdf_with_token(demo):
    number, url = signed_receipt_url(demo)
    clerk = token_client("clerk")
    views_before = AuditEvent.objects.filter(verb="case.viewed").count()

    response = clerk.get(url)

    assert url.startswith("/api/v1/")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    assert response["Content-Disposition"] == f'inline; filename="receipt-{number}.pdf"'
    views = AuditEvent.objects.filter(verb="case.viewed", object_id=number)
    assert views.count() == views_before + 1
    viewer = views.latest("pk").actor
    assert viewer is not None
    assert viewer.username == "clerk"


def test_case_documents_link_receipt_pdf(demo):
    number, url = signed_receipt_url(demo)

    detail = token_client("clerk").get(f"/api/v1/cases/{number}").json()

    receipt = next(d for d in detail["documents"] if d["kind"] == "acceptance_receipt")
    assert receipt["pdf_url"] == url


def test_receipt_pdf_hidden_from_others(demo):
    number, url = signed_receipt_url(demo)

    response = token_client("agent").get(url)

    assert response.status_code == 404
    assert response.json()["code"] == "case.not_found"
    assert response.json()["message"] == (
        f"No case numbered {number} was found among the cases you may see."
    )


def test_receipt_pdf_needs_token(demo):
    _number, url = signed_receipt_url(demo)

    response = Client().get(url)

    assert response.status_code == 401
    assert response.json()["code"] == "not_authenticated"
    assert response.json()["message"] == (
        "Sign in, or send a valid token as Authorization: Bearer <token>."
    )


def test_notice_without_pdf_not_found(demo):
    number = apply_online(demo)
    token_client("clerk").post(
        f"/api/v1/cases/{number}/refuse",
        {"reason": "不属于本机关职权范围"},
        content_type="application/json",
    )
    notice = Case.objects.get(number=number).documents.get(kind="refusal_notice")

    detail = token_client("applicant").get(f"/api/v1/cases/{number}").json()
    response = token_client("applicant").get(
        f"/api/v1/cases/{number}/documents/{notice.pk}/pdf"
    )

    listed = next(d for d in detail["documents"] if d["id"] == notice.pk)
    assert listed["pdf_url"] is None
    assert response.status_code == 404
    assert response.json()["code"] == "case.document_not_found"
    assert response.json()["message"] == (
        f"Case {number} has no PDF document with the id {notice.pk}. The documents "
        "of the case, each with its pdf_url, are listed at GET /api/v1/cases/"
        f"{number}."
    )


def test_certificate_pdf_with_token(demo):
    certificate = issue_id_card(demo)
    applicant = token_client("applicant")
    detail = applicant.get(f"/api/v1/cases/{certificate.case_number}").json()
    result = next(d for d in detail["documents"] if d["kind"] == "result")

    response = applicant.get(result["pdf_url"])

    assert result["pdf_url"] == (f"/api/v1/certificates/{certificate.identifier}/pdf")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")


def test_certificate_pdf_hidden_from_others(demo):
    certificate = issue_id_card(demo)

    response = token_client("agent").get(
        f"/api/v1/certificates/{certificate.identifier}/pdf"
    )

    assert response.status_code == 403
    assert response.json()["code"] == "certificate.access_denied"
    assert response.json()["message"] == (
        f"You may not download the certificate {certificate.identifier}. Only its "
        "holder, the applicant of the case that issued it, the staff who may open "
        "that case or who work for the issuing department, and the window clerks, "
        "supervisors and centre admins of the issuing centre may. Sign in with one of "
        "those accounts, or check its status on the public verification page."
    )


def test_unknown_certificate_pdf_not_found(demo):
    identifier = issue_id_card(demo).identifier
    Certificate.objects.filter(identifier=identifier).delete()

    response = token_client("applicant").get(f"/api/v1/certificates/{identifier}/pdf")

    assert response.status_code == 404
    assert response.json()["code"] == "certificate.not_found"


def issue_food_licence(demo, applicant=None, extra=None) -> Certificate:
    """Approve a food licence, by default for the unregistered organisation the form names.

    `applicant` and `extra` are those of `apply_online`.
    """
    number = apply_online(demo, applicant, extra)
    demo.client("clerk").post(
        f"/api/v1/cases/{number}/accept", {}, content_type="application/json"
    )
    outbox.drain()
    response = demo.client("reviewer").post(
        f"/api/v1/cases/{number}/approve",
        {"opinion": "符合条件，准予许可"},
        content_type="application/json",
    )
    assert response.status_code == 200, response.content
    return Certificate.objects.get(case_number=number)


def test_applicant_downloads_organisation_certificate(demo):
    certificate = issue_food_licence(demo)
    applicant = token_client("applicant")
    detail = applicant.get(f"/api/v1/cases/{certificate.case_number}").json()
    result = next(d for d in detail["documents"] if d["kind"] == "result")

    response = applicant.get(result["pdf_url"])

    assert certificate.holder_code == "92440604MA4W2Y3K0M"
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"


def test_organisation_certificate_denied_to_others(demo):
    certificate = issue_food_licence(demo)

    response = token_client("agent").get(
        f"/api/v1/certificates/{certificate.identifier}/pdf"
    )

    assert response.status_code == 403
    assert response.json()["code"] == "certificate.access_denied"


def test_enterprise_agent_downloads_its_certificate(demo):
    certificate = issue_food_licence(demo)
    Certificate.objects.filter(pk=certificate.pk).update(
        holder_code="91440604MA4W1X2YX9"
    )

    response = token_client("agent").get(
        f"/api/v1/certificates/{certificate.identifier}/pdf"
    )

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"


def test_material_file_with_token(demo):
    number = apply_online(demo)
    applicant = token_client("applicant")
    material = applicant.get(f"/api/v1/cases/{number}").json()["materials"][0]

    response = applicant.get(material["url"])

    assert material["url"] == (f"/api/v1/cases/{number}/materials/{material['id']}")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.getvalue() == PDF_BYTES
    viewed = AuditEvent.objects.get(verb="case.material_viewed", object_id=number)
    assert viewed.data == {"submission": material["id"]}


def test_material_file_hidden_from_others(demo):
    number = apply_online(demo)
    material = Case.objects.get(number=number).submissions.earliest("pk")

    response = token_client("agent").get(
        f"/api/v1/cases/{number}/materials/{material.pk}"
    )

    assert response.status_code == 404
    assert response.json()["code"] == "case.not_found"


def test_food_licence_face_names_operator_and_representative(demo):
    certificate = issue_food_licence(
        demo,
        extra={
            "field.organisation_name": "佛山市禅城区示例餐饮店",
            "field.legal_representative": "王小五",
        },
    )

    assert certificate.holder_name == "佛山市禅城区示例餐饮店"
    assert certificate.face["legal_representative"] == "王小五"
    assert "operator_name" not in certificate.face
    labels = {
        field["key"]: field["label"]
        for field in certificate.certificate_type.face_fields
    }
    assert labels["holder_name"] == "经营者名称"
    assert labels["legal_representative"] == "法定代表人（负责人）"
