"""form.invalid for a select value names the field's choices, in the message and details."""

from __future__ import annotations

import pytest

from onestop.cases.models import Case
from onestop.cases.tests.test_api_flow import apply, food_matter
from onestop.testing import field_messages_in, valid_form

pytestmark = pytest.mark.django_db

MAIN_BUSINESS_VALUES = ["food_sales", "catering", "canteen"]


def apply_with_main_business(demo, value: str, language: str):
    form = valid_form(food_matter(demo))
    form["field.main_business"] = value
    client = demo.client("applicant")
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = language
    return apply(client, demo, form=form)


def test_select_error_lists_choices(demo):
    response = apply_with_main_business(demo, "nope", "en")

    assert response.status_code == 400, response.content
    body = response.json()
    assert body["code"] == "form.invalid"
    assert body["details"]["fields"]["main_business"] == {
        "code": "field.not_a_choice",
        "value": "nope",
        "choices": MAIN_BUSINESS_VALUES,
    }
    assert field_messages_in(body, food_matter(demo), "en")["main_business"] == (
        "nope is not one of the choices of 主体业态. Send one of these values: "
        "食品销售经营者 (food_sales), 餐饮服务经营者 (catering), 单位食堂 (canteen)."
    )
    assert body["details"]["choices"] == {"main_business": MAIN_BUSINESS_VALUES}
    assert Case.objects.count() == 0


def test_select_error_lists_choices_in_chinese(demo):
    response = apply_with_main_business(demo, "nope", "zh-hans")

    body = response.json()
    assert response.status_code == 400, response.content
    assert field_messages_in(body, food_matter(demo), "zh-hans")["main_business"] == (
        "“nope”不是主体业态的可选项。请发送以下值之一：食品销售经营者（food_sales）、"
        "餐饮服务经营者（catering）、单位食堂（canteen）。"
    )
    assert body["details"]["choices"] == {"main_business": MAIN_BUSINESS_VALUES}


def test_missing_select_lists_choices_in_details(demo):
    response = apply_with_main_business(demo, "", "en")

    body = response.json()
    assert response.status_code == 400, response.content
    assert body["details"]["fields"]["main_business"] == {"code": "field.required"}
    assert "主体业态 is required." in body["message"]
    assert body["details"]["choices"] == {"main_business": MAIN_BUSINESS_VALUES}


def test_other_field_errors_have_no_choices(demo):
    form = valid_form(food_matter(demo))
    form["field.organisation_name"] = ""
    response = apply(demo.client("applicant"), demo, form=form)

    body = response.json()
    assert response.status_code == 400, response.content
    assert "choices" not in body["details"]


def test_apply_page_lists_choices(demo):
    matter = food_matter(demo)
    data = {"idempotency_key": "select-page", **valid_form(matter)}
    data["field.main_business"] = "nope"

    response = demo.client("applicant").post(
        f"/portal/{demo.centre.slug}/matters/{matter.pack_id}/apply/",
        data,
        headers={"Accept-Language": "en"},
    )

    assert response.status_code == 400
    text = response.content.decode()
    assert "Send one of these values: 食品销售经营者 (food_sales)" in text
