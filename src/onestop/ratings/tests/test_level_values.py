"""A rating level outside the scale: the message shows the number as it was sent."""

from __future__ import annotations

import pytest

from onestop.ratings.models import Rating

pytestmark = pytest.mark.django_db


def post_level(demo, case, body: str, language: str = "en"):
    return demo.client("applicant").post(
        f"/api/v1/ratings/cases/{case.number}",
        body,
        content_type="application/json",
        headers={"Accept-Language": language},
    )


def test_long_level_shown_whole(demo, issued_case):
    response = post_level(demo, issued_case(), '{"level": 123456789012}')

    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "rating.invalid_level"
    assert body["details"]["level"] == 123456789012
    assert body["message"].endswith("not 123456789012.")
    assert not Rating.objects.exists()


def test_level_past_shown_length_cut(demo, issued_case):
    level = "9" * 50

    response = post_level(demo, issued_case(), f'{{"level": {level}}}')

    assert response.status_code == 400
    body = response.json()
    assert body["details"]["level"] == int(level)
    assert body["message"].endswith(f"not {'9' * 40}….")


def test_level_in_chinese_shows_number(demo, issued_case):
    response = post_level(demo, issued_case(), '{"level": -3}', "zh-hans")

    assert response.status_code == 400
    assert response.json()["details"]["level"] == -3
    assert "-3" in response.json()["message"]


@pytest.mark.parametrize("written", ["5.0", "5.5", "1e400", "-0.0"])
def test_level_with_fraction_shown_as_written(demo, issued_case, written):
    response = post_level(demo, issued_case(), f'{{"level": {written}}}')

    assert response.status_code == 422
    body = response.json()
    assert body["code"] == "request.invalid"
    assert f"level must be a whole number, not {written}." in body["message"]
    assert "JSON number" not in body["message"]
