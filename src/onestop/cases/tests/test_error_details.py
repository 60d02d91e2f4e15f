"""Details of form.invalid and upload.invalid: codes and values, the same in every
language, and the pages' messages rendered from them."""

from __future__ import annotations

import re
from html import unescape
from typing import Any

import pytest
from django.utils import translation

from onestop.cases.clock import EXTENDED, working_days_text
from onestop.cases.tests.test_api_flow import food_matter
from onestop.cases.tests.test_uploads import bad_files
from onestop.cases.uploads import UploadsInvalid
from onestop.core.notifications import MESSAGES, _render
from onestop.ratings.errors import ChangePeriodOver, PairingCodeInvalid
from onestop.testing import field_messages_in, material_files, valid_form

pytestmark = pytest.mark.django_db

LANGUAGES = ("en", "zh-hans")


def strings_in(value: Any) -> list[str]:
    """Return every string inside a JSON value."""
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        return [text for item in value.values() for text in strings_in(item)]
    if isinstance(value, list):
        return [text for item in value for text in strings_in(item)]
    return []


def post_in_each_language(demo, data: dict[str, Any]) -> dict[str, dict[str, Any]]:
    bodies = {}
    for language in LANGUAGES:
        files = {
            key: value for key, value in data.items() if key.startswith("material.")
        }
        for upload in files.values():
            upload.seek(0)
        response = demo.client("applicant").post(
            "/api/v1/cases", data, headers={"Accept-Language": language}
        )
        assert response.status_code in (400, 413, 415), response.content
        bodies[language] = response.json()
    return bodies


def assert_no_sentence_in_details(bodies: dict[str, dict[str, Any]]) -> None:
    """Check that the details are the same in both languages, so that they hold no
    translated text, and that none of their strings is a sentence."""
    assert bodies["en"]["details"] == bodies["zh-hans"]["details"]
    assert bodies["en"]["message"] != bodies["zh-hans"]["message"]
    for text in strings_in(bodies["en"]["details"]):
        assert not text.endswith((".", "。")), text


def invalid_form(demo) -> dict[str, Any]:
    matter = food_matter(demo)
    data = {"centre": demo.centre.slug, "matter": matter.pack_id}
    data.update(valid_form(matter))
    data.update(material_files(matter))
    data["field.organisation_name"] = ""
    data["field.organisation_uscc"] = "91440604MA4W1X2YX0"
    data["field.main_business"] = "nope"
    data["field.colour"] = "red"
    return data


def test_form_details_are_codes_and_values(demo):
    bodies = post_in_each_language(demo, invalid_form(demo))

    fields = bodies["en"]["details"]["fields"]
    assert bodies["en"]["code"] == "form.invalid"
    assert fields["organisation_name"] == {"code": "field.required"}
    assert fields["organisation_uscc"] == {
        "code": "uscc.check_character",
        "value": "91440604MA4W1X2YX0",
    }
    assert fields["main_business"] == {
        "code": "field.not_a_choice",
        "value": "nope",
        "choices": ["food_sales", "catering", "canteen"],
    }
    assert fields["colour"] == {"code": "field.unknown"}
    assert bodies["en"]["details"]["count"] == 4
    assert "summary" not in bodies["en"]["details"]
    assert_no_sentence_in_details(bodies)


def test_form_messages_rendered_from_details(demo):
    bodies = post_in_each_language(demo, invalid_form(demo))
    matter = food_matter(demo)

    for language, body in bodies.items():
        messages = field_messages_in(body, matter, language)
        for key, message in messages.items():
            assert message, key
            assert message in body["message"] or message in body["message"].replace(
                "：", ": "
            ), key
    english = field_messages_in(bodies["en"], matter, "en")
    chinese = field_messages_in(bodies["zh-hans"], matter, "zh-hans")
    assert english["organisation_name"] == "单位名称 is required."
    assert chinese["organisation_name"] == "单位名称为必填项。"
    assert english["colour"] == "colour is not a field of this form."


def test_upload_details_are_codes_and_values(demo, settings):
    settings.ONESTOP_MAX_UPLOAD_BYTES = 1024
    matter = food_matter(demo)
    data = {"centre": demo.centre.slug, "matter": matter.pack_id}
    data.update(valid_form(matter))
    data.update(bad_files(matter))

    bodies = post_in_each_language(demo, data)

    files = {entry["name"]: entry for entry in bodies["en"]["details"]["files"]}
    assert bodies["en"]["code"] == "upload.invalid"
    assert files["form.png"]["code"] == "upload.too_large"
    assert files["form.png"]["limit"] == 1024
    assert files["licence.jpg"]["code"] == "upload.disguised"
    assert files["licence.jpg"]["detected"] == "application/pdf"
    assert files["licence.jpg"]["expected"] == ".pdf"
    assert files["layout.pdf"]["code"] == "upload.type_not_allowed"
    assert files["layout.pdf"]["detected"] is None
    assert files["equipment.pdf"] == {
        "code": "upload.empty",
        "name": "equipment.pdf",
        "material": "主要设备设施清单",
        "material_key": "equipment_list",
        "size": 0,
    }
    assert all("message" not in entry for entry in files.values())
    assert "summary" not in bodies["en"]["details"]
    assert_no_sentence_in_details(bodies)
    assert "recognised as" not in bodies["en"]["message"]
    assert "is not of a type OneStop recognises" in bodies["en"]["message"]


def test_upload_and_form_details_are_codes(demo):
    data = invalid_form(demo)
    data["material.business_licence"].name = "licence.jpg"

    bodies = post_in_each_language(demo, data)

    details = bodies["en"]["details"]
    assert bodies["en"]["code"] == "upload.invalid"
    assert [entry["code"] for entry in details["files"]] == ["upload.disguised"]
    assert details["fields"]["organisation_name"] == {"code": "field.required"}
    assert "form_summary" not in details
    assert_no_sentence_in_details(bodies)


def field_errors_on_page(html: str) -> list[str]:
    return [
        unescape(text).strip()
        for text in re.findall(
            r'<div class="field-error" role="alert">(.*?)</div>', html
        )
    ]


@pytest.mark.parametrize(
    ("language", "expected"),
    [
        (
            "en",
            ["单位名称 is required.", "nope is not one of the choices of 主体业态."],
        ),
        ("zh-hans", ["单位名称为必填项。", "“nope”不是主体业态的可选项。"]),
    ],
)
def test_apply_page_shows_field_messages(demo, language, expected):
    data = invalid_form(demo)
    data.pop("field.colour")
    data.pop("centre")
    data.pop("matter")

    response = demo.client("applicant").post(
        f"/portal/{demo.centre.slug}/matters/food-business-licence/apply/",
        data,
        headers={"Accept-Language": language},
    )

    assert response.status_code == 400
    errors = field_errors_on_page(response.content.decode())
    for start in expected:
        assert any(error.startswith(start) for error in errors), (start, errors)


def test_plural_forms_in_english():
    with translation.override("en"):
        assert working_days_text(1) == "1 working day"
        assert working_days_text(5) == "5 working days"
        one = ChangePeriodOver(hours=1, ended="2026-12-05").render()
        many = ChangePeriodOver(hours=24, ended="2026-12-05").render()
        pairing_one = PairingCodeInvalid(code="123456", minutes=1).render()
        pairing_many = PairingCodeInvalid(code="123456", minutes=10).render()
        subject_one, _body = _render(
            MESSAGES[EXTENDED],
            {"number": "1", "working_days": 1, "reason": "检验"},
        )
        subject_many, _body = _render(
            MESSAGES[EXTENDED],
            {"number": "1", "working_days": 3, "reason": "检验"},
        )
        files_one = UploadsInvalid(count=1, files=[]).render()
        files_many = UploadsInvalid(count=3, files=[]).render()

    assert "the 1 hour for changes ended" in one
    assert "the 24 hours for changes ended" in many
    assert "(codes expire after 1 minute)" in pairing_one
    assert "(codes expire after 10 minutes)" in pairing_many
    assert subject_one.endswith("is extended by 1 working day")
    assert subject_many.endswith("is extended by 3 working days")
    assert files_one.startswith("1 file cannot be accepted")
    assert files_many.startswith("3 files cannot be accepted")


def test_plural_forms_in_chinese():
    with translation.override("zh-hans"):
        assert working_days_text(1) == "1 个工作日"
        many = ChangePeriodOver(hours=24, ended="2026-12-05").render()

    assert "24 小时" in many
