"""Applying for an enterprise through the API: the enterprise part and its documentation."""

from __future__ import annotations

import json

import pytest
from django.test import Client

from onestop.cases.tests.test_api_flow import FOOD, apply, food_matter
from onestop.testing import material_files, valid_form

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


def form_naming_enterprise(demo) -> dict[str, str]:
    form = valid_form(food_matter(demo))
    form["field.organisation_uscc"] = USCC
    return form


def test_api_error_names_enterprise_part(demo):
    client = demo.client("agent")

    response = apply(client, demo, form=form_naming_enterprise(demo))

    assert response.status_code == 403
    assert response.json()["message"] == (
        f"统一社会信用代码 {USCC} is a registered enterprise, so only its agents may "
        "apply for it. If you act for it, send its code in the enterprise part of the "
        f"request: enterprise={USCC}."
    )


def test_api_error_names_enterprise_part_in_chinese(demo):
    client = demo.client("agent")
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "zh-hans"

    response = apply(client, demo, form=form_naming_enterprise(demo))

    assert (
        f"请在请求的 enterprise 部分发送其代码：enterprise={USCC}"
        in (response.json()["message"])
    )


def test_apply_page_error_names_its_control(demo):
    data = {
        "idempotency_key": "page-key",
        **form_naming_enterprise(demo),
        **material_files(food_matter(demo)),
    }

    response = demo.client("agent").post(
        f"/portal/{demo.centre.slug}/matters/{FOOD}/apply/", data
    )

    assert response.status_code == 403
    assert (
        'Choose the enterprise under "Apply for"' in response.context["error"].render()
    )


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
