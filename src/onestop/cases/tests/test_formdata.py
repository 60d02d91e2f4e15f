"""The form.invalid summary: one line per field, led by the field's label."""

from __future__ import annotations

from typing import Any

import pytest
from django.utils import translation

from onestop.cases.form_errors import FormInvalid, form_summary
from onestop.cases.formdata import check_form_data
from onestop.catalog.models import Matter
from onestop.testing import material_files, valid_form

FIELDS: list[dict[str, Any]] = [
    {
        "key": "business_name",
        "label": "个体工商户名称",
        "type": "text",
        "required": True,
    },
    {"key": "organisation_uscc", "label": "统一社会信用代码", "type": "uscc"},
    {
        "key": "form_of_organisation",
        "label": "组成形式",
        "type": "select",
        "choices": [{"value": "individual", "label": "个人经营"}],
    },
]
INVALID = {"organisation_uscc": "123", "form_of_organisation": "club", "colour": "red"}


def summary_of(data: dict) -> FormInvalid:
    with pytest.raises(FormInvalid) as caught:
        check_form_data(FIELDS, data)
    return caught.value


def test_summary_lines_start_with_labels():
    error = summary_of(INVALID)

    with translation.override("en"):
        summary = form_summary(error)
    lines = [
        "colour is not a field of this form.",
        "个体工商户名称 is required.",
        "统一社会信用代码: ",
        "组成形式: club is not one of the choices of 组成形式.",
    ]
    positions = [summary.index(line) for line in lines]
    assert positions == sorted(positions)
    assert summary.startswith("colour is not a field of this form. 个体工商户名称 is")
    assert "business_name" not in summary
    assert "organisation_uscc" not in summary
    assert "form_of_organisation" not in summary


def test_details_keep_field_keys():
    error = summary_of(INVALID)

    assert sorted(error.details["fields"]) == [
        "business_name",
        "colour",
        "form_of_organisation",
        "organisation_uscc",
    ]
    assert error.details["fields"]["business_name"] == {"code": "field.required"}
    assert error.details["fields"]["colour"] == {"code": "field.unknown"}
    assert error.details["fields"]["form_of_organisation"] == {
        "code": "field.not_a_choice",
        "value": "club",
        "choices": ["individual"],
    }
    assert error.details["fields"]["organisation_uscc"] == {
        "code": "uscc.length",
        "value": "123",
        "length": 3,
    }
    assert "summary" not in error.details


def test_summary_in_chinese():
    with translation.override("zh-hans"):
        error = summary_of({"form_of_organisation": "club"})
        message = error.render()

    assert message.startswith(
        "请更正表单中的以下字段：个体工商户名称为必填项。组成形式"
    )
    assert "组成形式：" in message
    assert "form_of_organisation" not in message


@pytest.mark.django_db
def test_api_summary_names_labels(demo):
    matter = Matter.objects.get(centre=demo.centre, pack_id="food-business-licence")
    data = {"centre": demo.centre.slug, "matter": matter.pack_id}
    data.update(valid_form(matter))
    data.update(material_files(matter))
    data["field.organisation_uscc"] = "91440604MA4W1X2YX0"
    data.pop("field.organisation_name")

    response = demo.client("applicant").post("/api/v1/cases", data)

    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "form.invalid"
    assert body["message"].startswith(
        "Correct these fields of the form: 单位名称 is required. 统一社会信用代码: "
    )
    assert sorted(body["details"]["fields"]) == [
        "organisation_name",
        "organisation_uscc",
    ]


@pytest.mark.parametrize(
    "sent", ["0001-01-01", "9999-12-31", "1899-12-31", "2100-01-01"]
)
def test_date_outside_the_taken_range_is_named(sent):
    fields = [{"key": "birth_date", "label": "出生日期", "type": "date"}]

    with pytest.raises(FormInvalid) as caught:
        check_form_data(fields, {"birth_date": sent})

    assert caught.value.details["fields"]["birth_date"] == {
        "code": "field.date_out_of_range",
        "value": sent,
        "earliest": "1900-01-01",
        "latest": "2099-12-31",
    }
    with translation.override("zh-hans"):
        summary = form_summary(caught.value)
    assert f"出生日期为 {sent}；必须是 1900-01-01 至 2099-12-31 之间的日期。" in summary


@pytest.mark.parametrize("sent", ["1900-01-01", "2099-12-31", "2026-12-05"])
def test_date_inside_the_taken_range_is_kept(sent):
    fields = [{"key": "birth_date", "label": "出生日期", "type": "date"}]

    assert check_form_data(fields, {"birth_date": sent}) == {"birth_date": sent}


def test_date_picker_offers_the_taken_range(demo):
    page = demo.client("applicant").get(
        f"/portal/{demo.centre.slug}/matters/marriage-registration/apply/"
    )

    assert 'type="date"' in page.content.decode()
    assert 'min="1900-01-01" max="2099-12-31"' in page.content.decode()


@pytest.mark.parametrize(
    ("sent", "code"),
    [
        ("2026-02-30", "field.date_not_a_day"),
        ("2026-13-01", "field.date_not_a_day"),
        ("2026-2-3", "field.date_invalid"),
        ("2026年2月3日", "field.date_invalid"),
        ("20260203", "field.date_invalid"),
        ("2026-W06-2", "field.date_invalid"),
        ("２０２６－０２－３０", "field.date_not_a_day"),
    ],
)
def test_date_that_no_calendar_has(sent, code):
    fields = [{"key": "birth_date", "label": "出生日期", "type": "date"}]

    with pytest.raises(FormInvalid) as caught:
        check_form_data(fields, {"birth_date": sent})

    assert caught.value.details["fields"]["birth_date"] == {"code": code, "value": sent}
    with translation.override("zh-hans"):
        summary = form_summary(caught.value)
    expected = (
        "日历上没有这一天" if code == "field.date_not_a_day" else "YYYY-MM-DD 格式"
    )
    assert expected in summary


def test_date_in_full_width_digits_is_read():
    fields = [{"key": "birth_date", "label": "出生日期", "type": "date"}]

    checked = check_form_data(fields, {"birth_date": "２０２６－１１－３０"})

    assert checked == {"birth_date": "2026-11-30"}
