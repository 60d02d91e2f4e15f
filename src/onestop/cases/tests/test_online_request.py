"""The body of an online application: multipart parts that name the centre and matter."""

from __future__ import annotations

import pytest

from onestop.cases.models import Case

pytestmark = pytest.mark.django_db


def test_json_application_is_415(demo):
    response = demo.client("applicant").post(
        "/api/v1/cases",
        {"centre": demo.centre.slug, "matter": "food-business-licence"},
        content_type="application/json",
        headers={"Accept-Language": "en"},
    )

    assert response.status_code == 415
    body = response.json()
    assert body["code"] == "request.multipart_required"
    assert body["details"] == {"content_type": "application/json"}
    assert body["message"].startswith(
        "This endpoint takes a multipart/form-data body, not application/json."
    )
    assert Case.objects.count() == 0


@pytest.mark.parametrize("missing", ["centre", "matter"])
def test_application_without_part_names_it(demo, missing):
    parts = {"centre": demo.centre.slug, "matter": "food-business-licence"}
    parts[missing] = " "

    response = demo.client("applicant").post(
        "/api/v1/cases", parts, headers={"Accept-Language": "en"}
    )

    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "request.member_missing"
    assert body["message"] == (
        f"The request has no {missing}. Send it with the request."
    )


def test_json_resubmission_is_415(demo):
    response = demo.client("applicant").post(
        "/api/v1/cases/440604000000000/resubmit",
        {"form": {}},
        content_type="application/json",
    )

    assert response.status_code == 415
    assert response.json()["code"] == "request.multipart_required"
