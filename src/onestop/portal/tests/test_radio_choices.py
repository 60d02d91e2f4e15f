"""A select field with `display: radio` shows as a group of radio buttons on every page
that renders form fields: the apply page, its kiosk copy, the window's walk-in form and
the correction form. The posted choice stays checked after an error."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.template.loader import render_to_string

from onestop.cases.models import Case, CaseState
from onestop.catalog.models import Matter
from onestop.identity.models import Person
from onestop.testing import material_files, valid_form

pytestmark = pytest.mark.django_db

DRIVING = "driving-licence-renewal"
ZH = {"Accept-Language": "zh-hans"}
ADDRESS = "佛山市禅城区祖庙路1号"
# The sample form values leave a field with a pattern empty, so the tests give the
# twelve-digit file number of the licence.
LICENCE_NUMBER = "440604123456"


def driving(demo) -> Matter:
    return Matter.objects.get(centre=demo.centre, pack_id=DRIVING)


def radio(page: str, name: str, value: str) -> str:
    """Return the <input> tag of the radio button `value` of the field `name`."""
    found = re.findall(
        rf'<input type="radio" name="field\.{name}" value="{value}"[^>]*>', page
    )
    assert len(found) == 1, f"{len(found)} radio buttons {name}={value}"
    return found[0]


def choice_group(page: str, name: str) -> str:
    """Return the <fieldset> that contains the radio buttons of the field `name`."""
    start = page.index(f'id="form-field-{name}"')
    return page[page.index("<fieldset", start) : page.index("</fieldset>", start)]


def apply_page(demo, data: dict[str, Any] | None = None):
    url = f"/portal/{demo.centre.slug}/matters/{DRIVING}/apply/"
    client = demo.client("applicant")
    if data is None:
        return client.get(url, headers=ZH)
    return client.post(url, data, headers=ZH)


def application(demo, key: str, **fields: str) -> dict[str, Any]:
    matter = driving(demo)
    data = {"idempotency_key": key, **valid_form(matter), **material_files(matter)}
    data["field.licence_number"] = LICENCE_NUMBER
    data.update({f"field.{name}": value for name, value in fields.items()})
    return data


def test_apply_page_groups_choices_under_legend(demo):
    page = apply_page(demo).content.decode()

    group = choice_group(page, "delivery")
    assert "<legend>领取方式" in group
    assert re.search(
        r"<label><input [^>]*value=\"window\"[^>]*> 窗口领取</label>", group
    )
    assert re.search(
        r"<label><input [^>]*value=\"express\"[^>]*> 邮寄送达</label>", group
    )
    assert 'name="field.delivery"' not in page.replace(group, "")
    assert "<select" not in group


def test_apply_page_radio_ids_and_required(demo):
    page = apply_page(demo).content.decode()

    window, express = (
        radio(page, "delivery", "window"),
        radio(page, "delivery", "express"),
    )
    assert 'id="field-delivery"' in window
    assert 'id="field-delivery-2"' in express
    assert "required" in window
    assert "required" in express
    assert "checked" not in window + express


def test_long_select_stays_drop_down(demo):
    page = apply_page(demo).content.decode()

    assert '<select id="field-licence_class" name="field.licence_class"' in page


def test_apply_error_keeps_chosen_radio(demo):
    response = apply_page(
        demo, application(demo, "radio-error", delivery="express", delivery_address="")
    )

    assert response.status_code == 400
    page = response.content.decode()
    assert "checked" in radio(page, "delivery", "express")
    assert "checked" not in radio(page, "delivery", "window")
    assert response.context["field_errors"].keys() == {"delivery_address"}
    assert not Case.objects.filter(matter__pack_id=DRIVING).exists()


def apply_for_express(demo, key: str):
    return apply_page(
        demo, application(demo, key, delivery="express", delivery_address=ADDRESS)
    )


def test_apply_express_stores_address(demo):
    response = apply_for_express(demo, "radio-express")

    assert response.status_code == 302, response.content.decode()[:2000]
    case = Case.objects.get(matter__pack_id=DRIVING)
    assert case.form_data["delivery"] == "express"
    assert case.form_data["delivery_address"] == ADDRESS


def test_apply_window_pickup_drops_address(demo):
    response = apply_page(
        demo,
        application(demo, "radio-window", delivery="window", delivery_address=ADDRESS),
    )

    assert response.status_code == 302, response.content.decode()[:2000]
    case = Case.objects.get(matter__pack_id=DRIVING)
    assert case.form_data["delivery"] == "window"
    assert "delivery_address" not in case.form_data


def test_kiosk_apply_page_shows_radio_group(demo):
    client = demo.client("applicant")

    response = client.get(
        f"/kiosk/{demo.centre.slug}/matters/{DRIVING}/apply/", headers=ZH
    )

    page = response.content.decode()
    assert response.status_code == 200
    assert '<body class="kiosk"' in page
    assert "<legend>领取方式" in choice_group(page, "delivery")


def walk_in(demo, **fields: str):
    person = Person.objects.get(user__username="applicant")
    data: dict[str, Any] = {"id_number": person.id_number}
    if fields:
        matter = driving(demo)
        data.update(
            step="accept",
            idempotency_key="radio-walk-in",
            **valid_form(matter, person.id_number, person.name),
        )
        data["field.licence_number"] = LICENCE_NUMBER
        data.update({f"field.{name}": value for name, value in fields.items()})
        for material in matter.current_version.guide.materials:
            data[f"check.{material['key']}.original_seen"] = "on"
    return demo.client("clerk").post(f"/window/new/{DRIVING}/", data, headers=ZH)


def test_walk_in_form_shows_radio_group(demo):
    page = walk_in(demo).content.decode()

    assert "<legend>领取方式" in choice_group(page, "delivery")
    assert "checked" not in radio(page, "delivery", "express")


def test_walk_in_error_keeps_chosen_radio(demo):
    response = walk_in(demo, delivery="express", delivery_address="")

    assert response.status_code == 400
    assert "checked" in radio(response.content.decode(), "delivery", "express")
    assert not Case.objects.filter(matter__pack_id=DRIVING).exists()


def test_correction_form_checks_stored_choice(demo):
    created = apply_for_express(demo, "radio-correction")
    assert created.status_code == 302
    case = Case.objects.get(matter__pack_id=DRIVING)
    correction = demo.client("clerk").post(
        f"/api/v1/cases/{case.number}/correction",
        {"items": [{"material": "", "note": "邮寄地址缺少门牌号"}]},
        content_type="application/json",
    )
    assert correction.status_code == 200, correction.content
    assert Case.objects.get(pk=case.pk).state == CaseState.CORRECTION_REQUESTED

    page = (
        demo.client("applicant")
        .get(f"/portal/cases/{case.number}/", headers=ZH)
        .content.decode()
    )

    assert "checked" in radio(page, "delivery", "express")
    assert "checked" not in radio(page, "delivery", "window")


OPTIONAL_RADIO = {
    "key": "gender",
    "label": "性别",
    "type": "select",
    "display": "radio",
    "required": False,
    "choices": [{"value": "f", "label": "女"}, {"value": "m", "label": "男"}],
}


def test_optional_radio_offers_no_answer():
    page = render_to_string(
        "cases/_fields.html",
        {"fields": [OPTIONAL_RADIO], "values": {}, "field_errors": {}},
    )

    empty = radio(page, "gender", "")
    assert 'id="field-gender"' in empty
    assert "checked" in empty
    assert "required" not in radio(page, "gender", "f")
    assert 'id="field-gender-2"' in radio(page, "gender", "m")


def test_optional_radio_keeps_value():
    page = render_to_string(
        "cases/_fields.html",
        {"fields": [OPTIONAL_RADIO], "values": {"gender": "m"}, "field_errors": {}},
    )

    assert "checked" not in radio(page, "gender", "")
    assert "checked" in radio(page, "gender", "m")
