"""The QR code and SMS rating page of a case that was rated through another channel."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.test import Client

from onestop.ratings.actions import issue_rating_link, rate_case
from onestop.ratings.models import Rating, RatingChannel

pytestmark = pytest.mark.django_db

RATED_AT = dt.datetime(2026, 12, 4, 10, 30, tzinfo=dt.UTC)


def rated_online_with_link(demo, case, channel):
    """Rate `case` online at RATED_AT and return a link of `channel` issued afterwards."""
    with time_machine.travel(RATED_AT, tick=False):
        rate_case(actor=demo.user("applicant"), case=case, level=4)
    return issue_rating_link(actor=demo.user("clerk"), channel=channel, case=case)


@pytest.mark.parametrize("channel", [RatingChannel.QR_CODE, RatingChannel.SMS])
def test_link_page_shows_rating_without_form(demo, issued_case, channel):
    case = issued_case()
    link = rated_online_with_link(demo, case, channel)

    response = Client().get(f"/r/{link.token}")

    assert response.status_code == 200
    page = response.content.decode()
    assert 'id="rated-elsewhere"' in page
    assert (
        "This case was already rated on 2026-12-04 18:30 through another channel "
        "(online): satisfied. A case is rated once, so there is nothing more to rate "
        "here."
    ) in page
    assert 'name="level"' not in page
    assert "Send rating" not in page


def test_link_page_rated_elsewhere_in_chinese(demo, issued_case):
    case = issued_case()
    link = rated_online_with_link(demo, case, RatingChannel.QR_CODE)

    page = Client(headers={"Accept-Language": "zh-hans"}).get(f"/r/{link.token}")

    assert (
        "此办件已于 2026-12-04 18:30 通过其他渠道（网上评价）评价：满意。"
        "每个办件只评价一次，此处无需再评价。"
    ) in page.content.decode()


def test_post_to_rated_link_conflicts(demo, issued_case):
    case = issued_case()
    link = rated_online_with_link(demo, case, RatingChannel.QR_CODE)

    response = Client().post(f"/r/{link.token}", {"level": "1"})

    assert response.status_code == 409
    page = response.content.decode()
    assert 'data-code="rating.already_rated"' in page
    assert 'id="rated-elsewhere"' in page
    assert 'name="level"' not in page
    assert Rating.objects.get(case=case).level == 4


def test_link_page_of_own_rating_keeps_change_form(demo, issued_case):
    case = issued_case()
    link = issue_rating_link(
        actor=demo.user("clerk"), channel=RatingChannel.QR_CODE, case=case
    )
    Client().post(f"/r/{link.token}", {"level": "5"})

    page = Client().get(f"/r/{link.token}").content.decode()

    assert 'id="rated-elsewhere"' not in page
    assert "Change rating" in page
