"""The pack validator checks each form field's `applies_when` condition."""

from __future__ import annotations

from onestop.catalog.packs import PackError, validate_pack

ID_CARD = "id-card-renewal"


def only_error(errors: list[PackError]) -> PackError:
    assert len(errors) == 1, [str(error) for error in errors]
    return errors[0]


def field_index(matter: dict, key: str) -> int:
    return next(i for i, f in enumerate(matter["form_fields"]) if f["key"] == key)


def set_condition(key: str, condition: dict):
    def change(matter: dict) -> None:
        matter["form_fields"][field_index(matter, key)]["applies_when"] = condition

    return change


def test_standard_condition_is_valid(small_pack):
    assert validate_pack(small_pack) == []


def test_condition_unknown_field_rejected(small_pack, edit_matter):
    edit_matter(
        ID_CARD,
        set_condition("delivery_address", {"field": "pickup", "values": ["express"]}),
    )

    error = only_error(validate_pack(small_pack))

    assert error.rule == "form_field.applies_when_unknown_field"
    assert error.file == f"matters/{ID_CARD}.yaml"
    assert error.path.endswith(".applies_when")
    assert ID_CARD in error.message
    assert "delivery_address" in error.message
    assert "pickup" in error.message


def test_condition_on_text_field_rejected(small_pack, edit_matter):
    edit_matter(
        ID_CARD,
        set_condition(
            "delivery_address", {"field": "contact_phone", "values": ["express"]}
        ),
    )

    error = only_error(validate_pack(small_pack))

    assert error.rule == "form_field.applies_when_not_a_choice_field"
    assert "contact_phone" in error.message
    assert "phone" in error.message


def test_condition_unknown_value_rejected(small_pack, edit_matter):
    edit_matter(
        ID_CARD,
        set_condition("delivery_address", {"field": "delivery", "values": ["post"]}),
    )

    error = only_error(validate_pack(small_pack))

    assert error.rule == "form_field.applies_when_unknown_value"
    assert error.path.endswith(".applies_when.values")
    assert "post" in error.message
    assert "express" in error.message
    assert "delivery_address" in error.message


def test_condition_cycle_rejected(small_pack, edit_matter):
    def change(matter: dict) -> None:
        set_condition("delivery", {"field": "reason", "values": ["expired"]})(matter)
        set_condition("reason", {"field": "delivery", "values": ["window"]})(matter)

    edit_matter(ID_CARD, change)

    errors = validate_pack(small_pack)

    assert sorted(error.rule for error in errors) == [
        "form_field.applies_when_cycle",
        "form_field.applies_when_cycle",
    ]
    assert all(ID_CARD in error.message for error in errors)


def test_condition_on_itself_rejected(small_pack, edit_matter):
    edit_matter(
        ID_CARD, set_condition("delivery", {"field": "delivery", "values": ["window"]})
    )

    error = only_error(validate_pack(small_pack))

    assert error.rule == "form_field.applies_when_cycle"


def test_condition_without_values_rejected(small_pack, edit_matter):
    edit_matter(
        ID_CARD, set_condition("delivery_address", {"field": "delivery", "values": []})
    )

    error = only_error(validate_pack(small_pack))

    assert error.rule.startswith("schema.")
    assert error.path.endswith(".applies_when.values")
