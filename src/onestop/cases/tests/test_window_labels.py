"""The window label of a window acceptance: at most 40 visible characters."""

from __future__ import annotations

import pytest

from onestop.cases.models import Case, CaseState
from onestop.cases.tests.test_idempotency import window_json
from onestop.cases.tests.test_receipts import accept_walk_in, apply_online, window_data
from onestop.cases.window_labels import check_window_label
from onestop.ratings.models import Visit

pytestmark = pytest.mark.django_db


def post_window(demo, window, language="en"):
    return demo.client("clerk").post(
        "/api/v1/cases/window",
        {**window_json(demo), "window": window},
        content_type="application/json",
        headers={"Accept-Language": language},
    )


def test_label_of_forty_characters_is_accepted(demo):
    response = post_window(demo, "窗" * 40)

    assert response.status_code == 201, response.content
    assert Case.objects.get(number=response.json()["number"]).window == "窗" * 40


def test_long_label_is_rejected_with_limit(demo):
    response = post_window(demo, "窗" * 500)

    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "case.window_label_too_long"
    assert body["details"]["length"] == 500
    assert body["details"]["max"] == 40
    assert "has 500 characters, more than the maximum of 40" in body["message"]
    assert not Case.objects.exists()


def test_long_label_message_in_chinese(demo):
    response = post_window(
        demo, '=HYPERLINK("http://example.invalid/x","点此看")', "zh-hans"
    )

    assert response.status_code == 400
    assert response.json()["code"] == "case.window_label_too_long"
    assert "最多 40 个字符" in response.json()["message"]


@pytest.mark.parametrize(
    ("window", "character"),
    [
        ("综合\u200b窗口", "U+200B (ZERO WIDTH SPACE)"),
        ("3\u202e4", "U+202E (RIGHT-TO-LEFT OVERRIDE)"),
        ("3\u00ad", "U+00AD (SOFT HYPHEN)"),
    ],
)
def test_hidden_character_is_rejected(demo, window, character):
    # The JSON reader rejects control characters (U+0000 to U+001F) itself, so these
    # are invisible characters that JSON lets through.
    response = post_window(demo, window)

    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "case.window_label_character_invalid"
    assert character in body["details"]["character"]
    assert not Case.objects.exists()


def test_multipart_window_request_is_checked(demo):
    data = {**window_data(demo), "window": "窗" * 41}

    response = demo.client("clerk").post("/api/v1/cases/window", data)

    assert response.status_code == 400
    assert response.json()["code"] == "case.window_label_too_long"


def test_multipart_line_separator_is_rejected(demo):
    data = {**window_data(demo), "window": "3\u20284"}

    response = demo.client("clerk").post("/api/v1/cases/window", data)

    assert response.status_code == 400
    assert response.json()["code"] == "case.window_label_character_invalid"
    assert response.json()["details"]["value"] == "3<U+2028>4"
    assert not Case.objects.exists()


def test_accept_endpoint_checks_label(demo):
    number = apply_online(demo)

    response = demo.client("clerk").post(
        f"/api/v1/cases/{number}/accept",
        {"window": "窗" * 41},
        content_type="application/json",
    )

    assert response.status_code == 400
    assert response.json()["code"] == "case.window_label_too_long"
    assert Case.objects.get(number=number).state == CaseState.SUBMITTED


def test_window_page_keeps_posted_label(demo):
    number = apply_online(demo)
    case = Case.objects.get(number=number)
    data = {
        "action": "accept",
        "window": "3\u200b",
        **{
            f"check.{m['key']}.original_seen": "on"
            for m in case.matter_version.guide.materials
        },
    }

    response = demo.client("clerk").post(f"/window/cases/{number}/", data)

    assert response.status_code == 400
    assert (
        'data-code="case.window_label_character_invalid"' in response.content.decode()
    )
    case.refresh_from_db()
    assert case.state == CaseState.SUBMITTED


def test_surrounding_spaces_are_removed():
    assert check_window_label("  3  ") == "3"


def test_rating_visit_checks_label(demo):
    number = accept_walk_in(demo)["number"]

    response = demo.client("clerk").post(
        "/api/v1/ratings/visits",
        {"case": number, "window": "窗" * 41},
        content_type="application/json",
    )

    assert response.status_code == 400
    assert response.json()["code"] == "case.window_label_too_long"
    assert not Visit.objects.exists()
