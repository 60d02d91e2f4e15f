"""A case number typed in full-width digits finds its case through the API and pages."""

from __future__ import annotations

import pytest

from onestop.cases.models import CaseState
from onestop.cases.queries import normalise_case_number
from onestop.cases.tests.test_api_flow import apply
from onestop.core.models import AuditEvent
from onestop.testing import full_width

pytestmark = pytest.mark.django_db

NUMBER = "44060426120500001"


@pytest.mark.parametrize(
    ("sent", "normalised"),
    [
        (NUMBER, NUMBER),
        ("４４０６０４２６１２０５００００１", NUMBER),
        ("4406０４26120500001", NUMBER),
        (" 440604 261205 00001\n", NUMBER),
        ("\u3000４４０６０４\u3000２６１２０５００００１\u3000", NUMBER),
    ],
)
def test_normalise_case_number(sent, normalised):
    assert normalise_case_number(sent) == normalised


def test_api_reads_full_width_number(demo):
    number = apply(demo.client("applicant"), demo).json()["number"]

    response = demo.client("applicant").get(f"/api/v1/cases/{full_width(number)}")

    assert response.status_code == 200, response.content
    assert response.json()["number"] == number
    viewed = AuditEvent.objects.filter(verb="case.viewed").last()
    assert viewed is not None
    assert viewed.object_id == number


def test_api_action_on_full_width_number(demo):
    number = apply(demo.client("applicant"), demo).json()["number"]

    response = demo.client("clerk").post(
        f"/api/v1/cases/{full_width(number)}/accept",
        {"window": "3"},
        content_type="application/json",
    )

    assert response.status_code == 200, response.content
    assert response.json()["number"] == number
    assert response.json()["state"] == CaseState.ACCEPTED


def test_unknown_full_width_number_named(demo):
    sent = full_width("44060426120599999")

    response = demo.client("applicant").get(
        f"/api/v1/cases/{sent}", headers={"Accept-Language": "en"}
    )

    assert response.status_code == 404
    body = response.json()
    assert body["code"] == "case.not_found"
    assert body["details"] == {"number": sent}
    assert body["message"] == (
        f"No case numbered {sent} was found among the cases you may see."
    )


def test_portal_page_reads_full_width_number(demo):
    number = apply(demo.client("applicant"), demo).json()["number"]

    page = demo.client("applicant").get(f"/portal/cases/{full_width(number)}/")

    assert page.status_code == 200
    assert page.context["case"].number == number
    assert number in page.content.decode()


def test_portal_page_names_unknown_full_width_number(demo):
    sent = full_width("44060426120599999")

    page = demo.client("applicant").get(
        f"/portal/cases/{sent}/", headers={"Accept-Language": "en"}
    )

    assert page.status_code == 404
    content = page.content.decode()
    assert "<code>case.not_found</code>" in content
    assert f"No case numbered {sent} was found among the cases you may see." in content
