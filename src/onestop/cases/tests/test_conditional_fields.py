"""A form field with `applies_when` is required, validated and stored only when the
select field it names has one of the given values: online, at the window and in the
API, through overlays and pack upgrades."""

from __future__ import annotations

import copy
from typing import Any

import pytest

from onestop.cases.actions import Application, submit_online_case
from onestop.cases.form_errors import FormInvalid
from onestop.cases.formdata import applicable_fields, check_form_data
from onestop.cases.models import Case
from onestop.catalog.actions import provision_centre
from onestop.catalog.models import Matter
from onestop.catalog.overlay import OverlayValueInvalid, set_overlay_field
from onestop.identity.models import Person
from onestop.portal.demo import demo_bindings
from onestop.testing import current_version, material_files, valid_form

ID_CARD = "id-card-renewal"
ZH = {"Accept-Language": "zh-hans"}
DELIVERY: dict[str, Any] = {
    "key": "delivery",
    "label": "领取方式",
    "type": "select",
    "required": True,
    "choices": [
        {"value": "window", "label": "窗口领取"},
        {"value": "express", "label": "邮寄送达"},
    ],
}
ADDRESS: dict[str, Any] = {
    "key": "delivery_address",
    "label": "邮寄地址",
    "type": "address",
    "required": True,
    "max_length": 20,
    "applies_when": {"field": "delivery", "values": ["express"]},
}
FIELDS = [DELIVERY, ADDRESS]


def test_unmet_condition_drops_value():
    cleaned = check_form_data(
        FIELDS, {"delivery": "window", "delivery_address": "x" * 50}
    )

    assert cleaned == {"delivery": "window"}


def test_unmet_condition_not_required():
    assert check_form_data(FIELDS, {"delivery": "window"}) == {"delivery": "window"}


def test_met_condition_required():
    with pytest.raises(FormInvalid) as caught:
        check_form_data(FIELDS, {"delivery": "express"})

    assert caught.value.details["fields"] == {
        "delivery_address": {"code": "field.required"}
    }


def test_met_condition_validated():
    with pytest.raises(FormInvalid) as caught:
        check_form_data(FIELDS, {"delivery": "express", "delivery_address": "x" * 50})

    assert caught.value.details["fields"]["delivery_address"]["code"] == (
        "field.too_long"
    )


def test_met_condition_stores_value():
    cleaned = check_form_data(
        FIELDS, {"delivery": "express", "delivery_address": " 祖庙路1号 "}
    )

    assert cleaned == {"delivery": "express", "delivery_address": "祖庙路1号"}


def test_chained_condition_follows_controller():
    kind = {
        "key": "kind",
        "label": "寄送类型",
        "type": "select",
        "choices": [{"value": "home", "label": "住址"}],
        "applies_when": {"field": "delivery", "values": ["express"]},
    }
    note = {
        "key": "note",
        "label": "门牌说明",
        "type": "text",
        "required": True,
        "applies_when": {"field": "kind", "values": ["home"]},
    }
    fields = [DELIVERY, kind, note]

    assert applicable_fields(fields, {"delivery": "window", "kind": "home"}) == {
        "delivery"
    }
    assert applicable_fields(fields, {"delivery": "express", "kind": "home"}) == {
        "delivery",
        "kind",
        "note",
    }


def test_looping_conditions_never_apply():
    first = {**DELIVERY, "applies_when": {"field": "second", "values": ["window"]}}
    second = {
        **DELIVERY,
        "key": "second",
        "applies_when": {"field": "delivery", "values": ["window"]},
    }

    assert applicable_fields([first, second], {"delivery": "window"}) == set()


def id_card(demo) -> Matter:
    return Matter.objects.get(centre=demo.centre, pack_id=ID_CARD)


def api_apply(demo, **fields: str):
    matter = id_card(demo)
    data: dict[str, Any] = {"centre": demo.centre.slug, "matter": ID_CARD}
    data.update(valid_form(matter))
    data.update({f"field.{key}": value for key, value in fields.items()})
    data.update(material_files(matter))
    return demo.client("applicant").post("/api/v1/cases", data)


def test_api_window_pickup_drops_address(demo):
    response = api_apply(demo, delivery="window", delivery_address="佛山市祖庙路1号")

    assert response.status_code == 201, response.content
    case = Case.objects.get(number=response.json()["number"])
    assert case.form_data["delivery"] == "window"
    assert "delivery_address" not in case.form_data
    assert "delivery_address" not in response.json()["form_data"]


def test_api_express_requires_address(demo):
    response = api_apply(demo, delivery="express", delivery_address="")

    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "form.invalid"
    assert body["details"]["fields"] == {"delivery_address": {"code": "field.required"}}


def test_api_express_stores_address(demo):
    response = api_apply(demo, delivery="express", delivery_address="佛山市祖庙路1号")

    assert response.status_code == 201, response.content
    case = Case.objects.get(number=response.json()["number"])
    assert case.form_data["delivery_address"] == "佛山市祖庙路1号"


def test_api_guide_gives_condition(demo):
    response = demo.client("applicant").get(
        f"/api/v1/centres/{demo.centre.slug}/matters/{ID_CARD}"
    )

    assert response.status_code == 200
    fields = {f["key"]: f for f in response.json()["guide"]["form_fields"]}
    assert fields["delivery_address"]["applies_when"] == {
        "field": "delivery",
        "values": ["express"],
    }


def test_apply_page_shows_hint_without_required(demo):
    page = (
        demo.client("applicant")
        .get(f"/portal/{demo.centre.slug}/matters/{ID_CARD}/apply/", headers=ZH)
        .content.decode()
    )

    assert "只在领取方式为邮寄送达时填写" in page
    assert 'data-applies-field="delivery"' in page
    assert 'data-applies-values="[&quot;express&quot;]"' in page
    start = page.index('id="field-delivery_address"')
    address_input = page[page.rindex("<input", 0, start) : page.index(">", start)]
    assert "required" not in address_input


def test_apply_page_without_script_reports_address(demo):
    client = demo.client("applicant")
    matter = id_card(demo)
    data = {"idempotency_key": "conditional-page", **valid_form(matter)}
    data.update(material_files(matter))
    data.update({"field.delivery": "express", "field.delivery_address": ""})

    response = client.post(
        f"/portal/{demo.centre.slug}/matters/{ID_CARD}/apply/", data, headers=ZH
    )

    assert response.status_code == 400
    assert response.context["field_errors"].keys() == {"delivery_address"}
    assert not Case.objects.filter(matter__pack_id=ID_CARD).exists()


def walk_in(demo, key: str, **fields: str):
    """Accept the demo applicant's ID card renewal at the window with `fields` set."""
    matter = id_card(demo)
    person = Person.objects.get(user__username="applicant")
    data = {
        "step": "accept",
        "id_number": person.id_number,
        "idempotency_key": key,
        **valid_form(matter, person.id_number, person.name),
    }
    data.update({f"field.{name}": value for name, value in fields.items()})
    for material in current_version(matter).guide.materials:
        data[f"check.{material['key']}.original_seen"] = "on"
    return demo.client("clerk").post(f"/window/new/{ID_CARD}/", data)


def test_walk_in_drops_address_for_window_pickup(demo):
    response = walk_in(
        demo, "walk-in-window", delivery="window", delivery_address="佛山市祖庙路1号"
    )

    assert response.status_code == 302, response.content.decode()[:3000]
    case = Case.objects.get(matter__pack_id=ID_CARD)
    assert "delivery_address" not in case.form_data
    page = demo.client("clerk").get(f"/window/cases/{case.number}/").content.decode()
    assert "邮寄地址" not in page


def test_walk_in_express_requires_address(demo):
    response = walk_in(demo, "walk-in-express", delivery="express", delivery_address="")

    assert response.status_code == 400
    assert response.context["field_errors"].keys() == {"delivery_address"}
    assert not Case.objects.filter(matter__pack_id=ID_CARD).exists()


def address_index(matter: Matter) -> int:
    fields = current_version(matter).guide.form_fields
    return next(i for i, f in enumerate(fields) if f["key"] == "delivery_address")


def test_overlay_removes_condition(demo):
    matter = id_card(demo)
    fields = copy.deepcopy(current_version(matter).guide.form_fields)
    fields[address_index(matter)].pop("applies_when")
    fields[address_index(matter)]["required"] = False

    changed = set_overlay_field(
        actor=demo.user("centreadmin"), matter=matter, path="form_fields", value=fields
    )

    guide = current_version(changed).guide
    assert "applies_when" not in guide.form_fields[address_index(changed)]
    cleaned = check_form_data(
        guide.form_fields,
        {
            **{k.removeprefix("field."): v for k, v in valid_form(changed).items()},
            "delivery": "window",
            "delivery_address": "祖庙路1号",
        },
    )
    assert cleaned["delivery_address"] == "祖庙路1号"


def test_overlay_adds_condition(demo):
    matter = id_card(demo)
    fields = copy.deepcopy(current_version(matter).guide.form_fields)
    phone = next(i for i, f in enumerate(fields) if f["key"] == "contact_phone")
    fields[phone]["applies_when"] = {"field": "delivery", "values": ["express"]}

    changed = set_overlay_field(
        actor=demo.user("centreadmin"), matter=matter, path="form_fields", value=fields
    )

    guide = current_version(changed).guide
    assert applicable_fields(guide.form_fields, {"delivery": "window"}) >= {"delivery"}
    assert "contact_phone" not in applicable_fields(
        guide.form_fields, {"delivery": "window"}
    )


def test_overlay_with_unknown_value_rejected(demo):
    matter = id_card(demo)
    fields = copy.deepcopy(current_version(matter).guide.form_fields)
    fields[address_index(matter)]["applies_when"] = {
        "field": "delivery",
        "values": ["drone"],
    }

    with pytest.raises(OverlayValueInvalid) as caught:
        set_overlay_field(
            actor=demo.user("centreadmin"),
            matter=matter,
            path="form_fields",
            value=fields,
        )

    assert "drone" in caught.value.render()
    assert (
        current_version(id_card(demo)).guide.form_fields
        == current_version(matter).guide.form_fields
    )


def test_provision_upgrade_adds_condition(demo, standard_pack):
    old_pack = copy.deepcopy(standard_pack)
    for definition in old_pack.matters:
        if definition["id"] == ID_CARD:
            address = next(
                f for f in definition["form_fields"] if f["key"] == "delivery_address"
            )
            address.pop("applies_when")
            address["required"] = False
    provision_centre(
        actor=None,
        region_code="440604",
        pack=old_pack,
        bindings=demo_bindings(old_pack),
    )
    matter = id_card(demo)
    old_version = current_version(matter)
    form = {k.removeprefix("field."): v for k, v in valid_form(matter).items()}
    form.update(delivery="window", delivery_address="佛山市祖庙路1号")
    uploads = {
        key.removeprefix("material."): [_checked(upload)]
        for key, upload in material_files(matter).items()
    }
    case = submit_online_case(
        actor=demo.user("applicant"),
        matter=matter,
        application=Application(form_data=form, uploads=uploads),
    ).case
    assert case.form_data["delivery_address"] == "佛山市祖庙路1号"

    provision_centre(
        actor=None,
        region_code="440604",
        pack=standard_pack,
        bindings=demo_bindings(standard_pack),
    )

    matter.refresh_from_db()
    new_version = current_version(matter)
    assert new_version.number == old_version.number + 1
    address = new_version.guide.form_fields[address_index(matter)]
    assert address["applies_when"] == {"field": "delivery", "values": ["express"]}
    case.refresh_from_db()
    assert case.matter_version_id == old_version.pk
    assert case.form_data["delivery_address"] == "佛山市祖庙路1号"


def _checked(upload: Any) -> Any:
    from onestop.cases.uploads import check_upload

    return check_upload(upload.name, upload.read(), material="scan")
