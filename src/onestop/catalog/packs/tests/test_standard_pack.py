"""The shipped standard pack (基本款) is valid and covers the demo centre's matters."""

from __future__ import annotations

import pytest

from onestop.catalog.packs import STANDARD_PACK_DIR, load_pack, validate_pack

REQUIRED_MATTERS = {
    "individual-business-registration": "个体工商户营业执照",
    "food-business-licence": "食品经营许可证",
    "disability-certificate": "中华人民共和国残疾人证",
    "id-card-renewal": "居民身份证",
    "social-security-card-replacement": "社会保障卡",
    "driving-licence-renewal": "机动车驾驶证",
}


@pytest.fixture(scope="module")
def standard():
    return load_pack(STANDARD_PACK_DIR)


def test_standard_pack_has_no_errors():
    assert [str(error) for error in validate_pack(STANDARD_PACK_DIR)] == []


def test_standard_pack_size(standard):
    roles = {matter["department"] for matter in standard.matters}

    assert len(standard.matters) >= 40
    assert len(roles) >= 15


@pytest.mark.parametrize(("matter_id", "certificate_name"), REQUIRED_MATTERS.items())
def test_required_matter_issues_certificate(standard, matter_id, certificate_name):
    matter = standard.matter(matter_id)

    assert matter is not None
    assert matter["result"]["type"] == "certificate"
    certificate = standard.certificate_type(matter["result"]["certificate_type"])
    assert certificate is not None
    assert certificate["name"] == certificate_name


@pytest.mark.parametrize(
    "name",
    ["居民身份证换领", "生育登记", "城乡居民基本养老保险参保登记", "社会保障卡补领"],
)
def test_required_matter_is_present(standard, name):
    assert name in {matter["name"] for matter in standard.matters}


def test_standard_pack_has_immediate_matters(standard):
    assert any(matter["handling_type"] == "immediate" for matter in standard.matters)


def test_every_matter_has_three_to_eight_form_fields(standard):
    outside = [
        matter["id"]
        for matter in standard.matters
        if not 3 <= len(matter["form_fields"]) <= 8
    ]

    assert outside == []


def test_every_matter_names_its_sources(standard):
    unsourced = [
        matter["id"]
        for matter in standard.matters
        if "legal_basis" not in {source["field"] for source in matter["sources"]}
    ]

    assert unsourced == []


def test_certificate_holder_kinds_are_gb_36904_codes(standard):
    assert {item["holder_kind"] for item in standard.certificate_types} == {
        "111",
        "001",
    }


def test_pack_metadata_carries_licence(standard):
    assert standard.metadata["licence"]["spdx"] == "Apache-2.0"
    assert standard.metadata["base"] is None


def delivery_fields(matter: dict) -> tuple[dict, dict]:
    """Return the 领取方式 field of a matter and its 邮寄地址 field."""
    fields = {field["key"]: field for field in matter["form_fields"]}
    return fields["delivery"], fields["delivery_address"]


def test_driving_licence_asks_delivery_like_id_card(standard):
    choice, address = delivery_fields(standard.matter("driving-licence-renewal"))
    id_card_choice, id_card_address = delivery_fields(
        standard.matter("id-card-renewal")
    )

    assert choice["label"] == "领取方式"
    assert choice["choices"] == id_card_choice["choices"]
    assert choice["required"] is True
    assert address["applies_when"] == id_card_address["applies_when"]
    assert address["applies_when"] == {"field": "delivery", "values": ["express"]}
    assert address["required"] is True


def test_every_delivery_choice_is_radio(standard):
    choices = [
        (matter["id"], field.get("display"))
        for matter in standard.matters
        for field in matter["form_fields"]
        if field["label"] == "领取方式"
    ]

    assert len(choices) >= 4
    assert [entry for entry in choices if entry[1] != "radio"] == []


def test_radio_only_on_short_selects(standard):
    long_radios = [
        (matter["id"], field["key"])
        for matter in standard.matters
        for field in matter["form_fields"]
        if field.get("display") == "radio" and len(field["choices"]) > 3
    ]

    assert long_radios == []


def postal_choices(matter: dict) -> list[tuple[str, str]]:
    """Return (select field key, choice value) for each choice labelled 邮寄…."""
    return [
        (field["key"], choice["value"])
        for field in matter["form_fields"]
        if field.get("type") == "select"
        for choice in field["choices"]
        if "邮寄" in choice["label"]
    ]


def has_required_postal_address(matter: dict, field_key: str, value: str) -> bool:
    """Return whether a required `delivery_address` address field applies on the choice."""
    for field in matter["form_fields"]:
        condition = field.get("applies_when") or {}
        if (
            field["key"] == "delivery_address"
            and field["type"] == "address"
            and field["required"] is True
            and condition.get("field") == field_key
            and value in condition.get("values", [])
        ):
            return True
    return False


def test_every_postal_choice_asks_for_address(standard):
    choices = [
        (matter["id"], field_key, value)
        for matter in standard.matters
        for field_key, value in postal_choices(matter)
    ]
    without_address = [
        (matter_id, field_key, value)
        for matter_id, field_key, value in choices
        if not has_required_postal_address(standard.matter(matter_id), field_key, value)
    ]

    assert len(choices) >= 4
    assert without_address == []


def test_postal_address_check_finds_a_gap(standard):
    matter = standard.matter("social-security-card-replacement")
    without_address = {
        **matter,
        "form_fields": [
            field
            for field in matter["form_fields"]
            if field["key"] != "delivery_address"
        ],
    }

    assert postal_choices(without_address) == [("delivery", "express")]
    assert not has_required_postal_address(without_address, "delivery", "express")
    assert has_required_postal_address(matter, "delivery", "express")
