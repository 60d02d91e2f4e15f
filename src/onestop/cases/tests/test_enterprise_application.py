"""Applying for an enterprise through the API: the enterprise part and its documentation."""

from __future__ import annotations

import json

import pytest
from django.test import Client

from onestop.cases.tests.test_api_flow import FOOD, food_matter
from onestop.testing import material_files

pytestmark = pytest.mark.django_db

USCC = "91440604MA4W1X2YX9"
# The food licence's form, filled for the demo agent's enterprise.
ENTERPRISE_FORM = {
    "organisation_name": "佛山市禅城区示例商贸有限公司",
    "organisation_uscc": USCC,
    "legal_representative": "陈志强",
    "premises_address": "佛山市禅城区季华五路22号",
    "main_business": "catering",
    "business_items": "热食类食品制售",
    "contact_phone": "13900139000",
}


def test_openapi_describes_application_parts(db):
    document = Client().get("/api/v1/openapi.json").json()

    body = document["paths"]["/api/v1/cases"]["post"]["requestBody"]
    schema = body["content"]["multipart/form-data"]["schema"]
    assert schema["required"] == ["centre", "matter"]
    assert {"centre", "matter", "enterprise", "form"} <= set(schema["properties"])
    assert "USCC" in schema["properties"]["enterprise"]["description"]
    assert schema["patternProperties"][r"^material\..+$"]["format"] == "binary"
    resubmit = document["paths"]["/api/v1/cases/{number}/resubmit"]["post"]
    assert "multipart/form-data" in resubmit["requestBody"]["content"]


def test_documented_enterprise_application_accepted(demo):
    data = {
        "centre": demo.centre.slug,
        "matter": FOOD,
        "enterprise": USCC,
        "form": json.dumps(ENTERPRISE_FORM, ensure_ascii=False),
        **material_files(food_matter(demo)),
    }

    response = demo.client("agent").post("/api/v1/cases", data)

    assert response.status_code == 201, response.content
    assert response.json()["applicant"].startswith("佛山市禅城区")
