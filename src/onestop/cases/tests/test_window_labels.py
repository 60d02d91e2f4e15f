"""The window's name, which cases, visits and ratings record as its label, has at most
40 visible characters. A window code that names no window is rejected."""

from __future__ import annotations

import pytest

from onestop.cases.models import Case
from onestop.cases.tests.test_idempotency import window_json
from onestop.cases.window_labels import check_window_label
from onestop.core.models import Window
from onestop.core.windows import window_title

pytestmark = pytest.mark.django_db


def add_window(demo, name, language="en"):
    return demo.client("centreadmin").post(
        f"/api/v1/centres/{demo.centre.slug}/windows",
        {"code": "9", "name": name},
        content_type="application/json",
        headers={"Accept-Language": language},
    )


def test_name_of_forty_characters_is_accepted(demo):
    response = add_window(demo, "窗" * 40)

    assert response.status_code == 201, response.content
    assert Window.objects.get(centre=demo.centre, code="9").name == "窗" * 40


def test_long_name_is_rejected_with_limit(demo):
    response = add_window(demo, "窗" * 500)

    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "case.window_label_too_long"
    assert body["details"]["length"] == 500
    assert body["details"]["max"] == 40
    assert "has 500 characters, more than the maximum of 40" in body["message"]
    assert not Window.objects.filter(code="9").exists()


def test_long_name_message_in_chinese(demo):
    response = add_window(demo, "窗" * 41, "zh-hans")

    assert response.status_code == 400
    assert "最多 40 个字符" in response.json()["message"]


@pytest.mark.parametrize(
    ("name", "character", "position", "named"),
    [
        ("综合\u200b窗口", "\u200b", 3, "U+200B (ZERO WIDTH SPACE)"),
        ("3\u202e4", "\u202e", 2, "U+202E (RIGHT-TO-LEFT OVERRIDE)"),
        ("3\u00ad", "\u00ad", 2, "U+00AD (SOFT HYPHEN)"),
    ],
)
def test_hidden_character_is_rejected(demo, name, character, position, named):
    response = add_window(demo, name)

    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "case.window_label_character_invalid"
    assert body["details"] == {
        "value": name,
        "character": character,
        "code_point": named.split(" ")[0],
        "position": position,
    }
    assert named in body["message"]
    assert not Window.objects.filter(code="9").exists()


def test_hidden_character_message_marks_place(demo):
    response = add_window(demo, "综合\u200b窗口")

    assert response.json()["message"] == (
        "The window label 综合<U+200B>窗口 contains U+200B (ZERO WIDTH SPACE), a "
        "control or invisible character. Type the label again with visible "
        "characters only."
    )


def test_hidden_character_message_in_chinese(demo):
    response = add_window(demo, "综合\u200b窗口", "zh-hans")

    body = response.json()
    assert "综合<U+200B>窗口" in body["message"]
    assert "U+200B" in body["message"]
    assert "ZERO WIDTH SPACE" not in body["message"]
    assert body["details"]["code_point"] == "U+200B"


def test_hidden_character_in_code_is_named(demo):
    response = demo.client("clerk").post(
        "/api/v1/cases/window",
        {**window_json(demo), "window": "3\u200b"},
        content_type="application/json",
    )

    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "window.unknown"
    assert "U+200B" in body["details"]["window"]
    assert not Case.objects.exists()


def test_surrounding_spaces_are_removed():
    assert check_window_label("  3  ") == "3"


@pytest.mark.parametrize(
    ("name", "code", "title"),
    [
        ("综合窗口 1", "1", "综合窗口 1"),
        ("综合窗口1", "1", "综合窗口1"),
        ("综合窗口 １", "1", "综合窗口 １"),
        ("综合窗口 12", "1", "综合窗口 12 (1)"),
        ("综合窗口", "A2", "综合窗口 (A2)"),
        ("3", "3", "3"),
        ("综合窗口 1", "", "综合窗口 1"),
    ],
)
def test_window_title_names_code_once(name, code, title):
    assert window_title(name, code) == title
