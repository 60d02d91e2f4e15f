"""A rating form sent without a level: the page requests a level from 1 to 5 instead of
rejecting the level 0 that the applicant never chose."""

from __future__ import annotations

import pytest

from onestop.ratings.models import Rating

pytestmark = pytest.mark.django_db

ENGLISH = (
    "No rating level was chosen. Choose a level from 1 (very dissatisfied) to 5 "
    "(very satisfied), then send the rating again."
)
CHINESE = (
    "未选择评价等级。请在 1（非常不满意）至 5（非常满意）中选择一个等级，再提交评价。"
)


@pytest.mark.parametrize("surface", ["portal", "kiosk"])
def test_rating_without_level_asks_for_one(demo, issued_case, surface):
    case = issued_case()

    response = demo.client("applicant").post(
        f"/{surface}/cases/{case.number}/", {"action": "rate", "comment": "很好"}
    )

    page = response.content.decode()
    assert response.status_code == 400
    assert 'data-code="rating.level_missing"' in page
    assert ENGLISH in page
    assert "not 0" not in page
    assert not Rating.objects.filter(case=case).exists()


def test_rating_without_level_in_chinese(demo, issued_case):
    case = issued_case()

    response = demo.client("applicant").post(
        f"/portal/cases/{case.number}/",
        {"action": "rate", "level": ""},
        headers={"Accept-Language": "zh-hans"},
    )

    page = response.content.decode()
    assert response.status_code == 400
    assert CHINESE in page
    assert "不能是 0" not in page


def test_non_numeric_level_still_invalid(demo, issued_case):
    case = issued_case()

    response = demo.client("applicant").post(
        f"/portal/cases/{case.number}/", {"action": "rate", "level": "x"}
    )

    assert response.status_code == 400
    assert 'data-code="rating.invalid_level"' in response.content.decode()
