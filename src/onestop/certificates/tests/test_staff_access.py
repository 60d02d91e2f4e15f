"""Staff reads of a certificate's full content follow the rule by which staff read its
case, and each one is audited as `certificate.viewed`."""

from __future__ import annotations

import pytest

from onestop.cases.tests.test_api_downloads import token_client
from onestop.cases.tests.test_certificate_results import issue_id_card
from onestop.certificates.models import Certificate
from onestop.core.models import AuditEvent, Department

pytestmark = pytest.mark.django_db

# The ID card renewal is a case of the public security department, which issues the card.
ISSUING_REVIEWER = "reviewer-public_security"


def download_urls(certificate):
    base = f"/api/v1/certificates/{certificate.identifier}"
    return [f"{base}/signed", f"{base}/pdf"]


def views_of(certificate):
    return AuditEvent.objects.filter(
        verb="certificate.viewed", object_id=certificate.identifier
    )


@pytest.mark.parametrize("username", ["reviewer", "deptadmin", "reviewer-transport"])
def test_other_department_denied(demo, username):
    certificate = issue_id_card(demo)
    client = token_client(username)

    for url in download_urls(certificate):
        response = client.get(url)

        assert response.status_code == 403, url
        assert response.json()["code"] == "certificate.access_denied"
        assert certificate.holder_code.encode() not in response.content
    assert not views_of(certificate).exists()


def test_other_department_case_not_found(demo):
    certificate = issue_id_card(demo)

    response = token_client("reviewer").get(f"/api/v1/cases/{certificate.case_number}")

    assert response.status_code == 404


@pytest.mark.parametrize(
    ("username", "role"),
    [
        (ISSUING_REVIEWER, "reviewer"),
        ("clerk", "clerk"),
        ("supervisor", "supervisor"),
        ("centreadmin", "centre_admin"),
        ("platform", "platform_admin"),
    ],
)
def test_staff_read_audited(demo, username, role):
    certificate = issue_id_card(demo)
    client = token_client(username)

    signed = client.get(download_urls(certificate)[0])
    pdf = client.get(download_urls(certificate)[1])

    assert signed.status_code == 200
    assert signed.json()["document"]["holder"]["code"] == certificate.holder_code
    assert pdf.status_code == 200
    assert pdf.content.startswith(b"%PDF")
    events = list(views_of(certificate).order_by("pk"))
    assert len(events) == 2
    for event in events:
        assert event.actor is not None
        assert event.actor.username == username
        assert event.actor_role == role
        assert event.object_type == "certificate"
        assert event.centre_id == certificate.centre_id
        assert event.data == {"case_number": certificate.case_number}


def test_holder_keeps_access(demo):
    certificate = issue_id_card(demo)
    client = token_client("applicant")

    for url in download_urls(certificate):
        response = client.get(url)

        assert response.status_code == 200, url
    assert not views_of(certificate).exists()


def test_public_verification_unchanged(demo):
    certificate = issue_id_card(demo)
    client = token_client("reviewer")

    verification = client.get(
        f"/api/v1/certificates/{certificate.identifier}/verification"
    )

    assert verification.status_code == 200
    assert verification.json()["valid"] is True
    assert verification.json()["holder_code"] == "4406**********0024"


def test_case_department_reads_other_issuer(demo):
    """A certificate type may name an issuing department other than the case's: the
    staff of both departments read it, and no one else's reviewers."""
    certificate = issue_id_card(demo)
    Certificate.objects.filter(pk=certificate.pk).update(issuer=demo.market)
    transport = Department.objects.get(centre=demo.centre, role_key="transport")
    assert transport.pk != demo.market.pk

    of_issuer = token_client("reviewer").get(download_urls(certificate)[0])
    of_case = token_client(ISSUING_REVIEWER).get(download_urls(certificate)[0])
    of_neither = token_client("reviewer-transport").get(download_urls(certificate)[0])

    assert of_issuer.status_code == 200
    assert of_case.status_code == 200
    assert of_neither.status_code == 403
    roles = list(views_of(certificate).values_list("actor_role", flat=True))
    assert roles == ["reviewer", "reviewer"]


def test_portal_page_follows_rule(demo):
    certificate = issue_id_card(demo)
    url = f"/portal/certificates/{certificate.identifier}/pdf"

    denied = demo.client("reviewer").get(url)
    allowed = demo.client(ISSUING_REVIEWER).get(url)
    holder = demo.client("applicant").get(url)

    assert denied.status_code == 403
    assert allowed.status_code == 200
    assert holder.status_code == 200
    assert views_of(certificate).count() == 1


def test_admin_page_audited(demo):
    certificate = issue_id_card(demo)
    client = demo.client("platform")

    response = client.get(f"/admin/certificates/certificate/{certificate.pk}/change/")

    assert response.status_code == 200
    event = views_of(certificate).get()
    assert event.actor is not None
    assert event.actor.username == "platform"
    assert event.actor_role == "platform_admin"
    assert event.data == {"case_number": certificate.case_number}
