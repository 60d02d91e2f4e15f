"""The errors of local overlays give codes and values in their details, never text
for display, and their messages describe each problem in English and in Chinese."""

from __future__ import annotations

from typing import Any

import pytest
from django.utils import translation

from onestop.catalog.overlay import (
    LocalMatterUnreadable,
    MatterNotInCentre,
    OverlayNumberInvalid,
    OverlayValueInvalid,
    add_local_matter,
    admin_matter_for,
    parse_local_matter,
    parse_whole_number,
    set_overlay_field,
)
from onestop.catalog.tests.test_overlay import FOOD, PROMISED, food

pytestmark = pytest.mark.django_db

BAD_LOCAL_MATTER = {"id": "my-matter", "name": "测试事项", "type": "bogus"}


def local_matter_error(demo, definition) -> OverlayValueInvalid:
    with pytest.raises(OverlayValueInvalid) as raised:
        add_local_matter(
            actor=demo.user("centreadmin"), centre=demo.centre, definition=definition
        )
    return raised.value


def test_value_invalid_details_are_codes(demo):
    with pytest.raises(OverlayValueInvalid) as raised:
        set_overlay_field(
            actor=demo.user("centreadmin"), matter=food(demo), path=PROMISED, value=-1
        )

    assert raised.value.as_dict()["details"] == {
        "path": PROMISED,
        "where": PROMISED,
        "rule": "schema.minimum",
        "count": 1,
        "errors": [{"where": PROMISED, "rule": "schema.minimum"}],
    }


def test_value_invalid_message_describes_problem(demo):
    with translation.override("en"), pytest.raises(OverlayValueInvalid) as raised:
        set_overlay_field(
            actor=demo.user("centreadmin"), matter=food(demo), path=PROMISED, value=-1
        )

    assert raised.value.render() == (
        f"The value for Promised limit (amount in the limit's unit) ({PROMISED}) "
        f"was not saved. At Promised limit (amount in the limit's unit) ({PROMISED}): "
        "The number -1 is below the minimum 0. Raise it."
    )


def test_local_matter_errors_list_places_and_rules(demo):
    error = local_matter_error(demo, BAD_LOCAL_MATTER)

    errors = error.as_dict()["details"]["errors"]
    assert len(errors) > 2
    assert error.details["count"] == len(errors)
    assert {"where": "type", "rule": "schema.enum"} in errors
    for entry in errors:
        assert set(entry) == {"where", "rule"}
    assert "problem" not in error.details
    assert "problems" not in error.details


def test_local_matter_message_names_each_place(demo):
    with translation.override("en"):
        error = local_matter_error(demo, BAD_LOCAL_MATTER)
        message = error.render()

    assert message.startswith("The local matter was not saved. At ")
    for entry in error.details["errors"]:
        assert f"At {entry['where']}: " in message
    assert "The value bogus is not allowed." in message


def test_local_matter_message_in_chinese(demo):
    with translation.override("zh-hans"):
        message = local_matter_error(demo, BAD_LOCAL_MATTER).render()

    assert message.startswith("本地事项未保存。")
    assert "bogus" in message


def test_definition_not_mapping_details(demo):
    # A YAML text of a list parses to a list, which the page passes on unchecked.
    parsed: Any = ["a"]

    with pytest.raises(LocalMatterUnreadable) as raised:
        add_local_matter(
            actor=demo.user("centreadmin"), centre=demo.centre, definition=parsed
        )

    assert raised.value.as_dict()["details"] == {
        "line": 1,
        "column": 1,
        "rule": "schema.type",
    }
    with translation.override("en"):
        assert "The definition is not a mapping of keys to values." in (
            raised.value.render()
        )


def test_definition_syntax_error_details():
    with pytest.raises(LocalMatterUnreadable) as raised:
        parse_local_matter("id: a\nname: [unclosed\n")

    details = raised.value.as_dict()["details"]
    assert details == {"line": 3, "column": 1, "rule": "yaml.syntax"}
    with translation.override("en"):
        assert "could not be read at line 3, column 1: " in raised.value.render()


def test_number_invalid_names_field_by_path():
    with pytest.raises(OverlayNumberInvalid) as raised:
        parse_whole_number("Promised limit", PROMISED, "abc")

    assert raised.value.as_dict()["details"] == {
        "field": PROMISED,
        "path": PROMISED,
        "value": "abc",
    }
    with translation.override("en"):
        assert raised.value.render().startswith(f"Promised limit ({PROMISED}) must be")


def test_matter_not_found_gives_centre_slug(demo):
    with pytest.raises(MatterNotInCentre) as raised:
        admin_matter_for(demo.user("centreadmin"), demo.centre, f"{FOOD}-x")

    assert raised.value.as_dict()["details"] == {
        "centre": demo.centre.slug,
        "matter": f"{FOOD}-x",
    }
    with translation.override("en"):
        assert raised.value.render() == (
            f"The centre {demo.centre.name} has no matter {FOOD}-x. Open the centre's "
            "matter list to find it."
        )
