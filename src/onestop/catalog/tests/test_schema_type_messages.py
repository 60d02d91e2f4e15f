"""Messages about a value of the wrong JSON Schema type: the value as typed, plain words."""

from __future__ import annotations

import html
from typing import Any

import pytest
from django.utils import translation

from onestop.catalog.models import Matter, MatterOverlay
from onestop.catalog.overlay import OverlayValueInvalid, set_overlay_field
from onestop.catalog.packs.schemas import (
    SCHEMA_FILES,
    TYPE_LABELS,
    load_schema,
    type_label,
)

pytestmark = pytest.mark.django_db

FOOD = "food-business-licence"
PROMISED = "time_limits.promised.amount"


def overlay_url(demo) -> str:
    return f"/catalog/{demo.centre.slug}/matters/{FOOD}/"


def page_text(response) -> str:
    return html.unescape(response.content.decode())


def schema_type_names(node: Any) -> set[str]:
    """Return every type name that a JSON Schema document uses."""
    names: set[str] = set()
    if isinstance(node, dict):
        kind = node.get("type")
        if isinstance(kind, str):
            names.add(kind)
        elif isinstance(kind, list):
            names.update(kind)
        for child in node.values():
            names |= schema_type_names(child)
    elif isinstance(node, list):
        for child in node:
            names |= schema_type_names(child)
    return names


@pytest.mark.parametrize(
    ("language", "expected"),
    [
        ("en", "The value 1e400 is a number, but a whole number is expected."),
        ("zh-hans", "值 1e400 是数字，应为整数。"),
    ],
)
def test_overlay_editor_shows_number_as_typed(demo, language, expected):
    response = demo.client("centreadmin").post(
        overlay_url(demo),
        {"action": "path", "path": PROMISED, "value": "1e400"},
        headers={"Accept-Language": language},
    )

    assert response.status_code == 400
    text = page_text(response)
    assert expected in text
    assert "value inf " not in text
    assert "值 inf " not in text
    assert "JsonNumber" not in text
    assert "integer" not in text
    assert MatterOverlay.objects.count() == 0


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("three", "The value three is text, but a whole number is expected."),
        (True, "The value true is true or false, but a whole number is expected."),
        (None, "The value null is empty (null), but a whole number is expected."),
        ([1], "The value [1] is a list, but a whole number is expected."),
        (
            {"a": 1},
            'The value {"a": 1} is a mapping of keys to values, but a whole number '
            "is expected.",
        ),
    ],
)
def test_wrong_type_named_in_plain_words(demo, value, expected):
    with translation.override("en"), pytest.raises(OverlayValueInvalid) as raised:
        set_overlay_field(
            actor=demo.user("centreadmin"),
            matter=Matter.objects.get(centre=demo.centre, pack_id=FOOD),
            path=PROMISED,
            value=value,
        )

    assert expected in raised.value.render()


@pytest.mark.parametrize("kind", sorted(SCHEMA_FILES))
def test_every_schema_type_has_plain_words(kind):
    for name in schema_type_names(load_schema(kind)):
        assert name in TYPE_LABELS, name
        with translation.override("zh-hans"):
            assert type_label(name) != name
