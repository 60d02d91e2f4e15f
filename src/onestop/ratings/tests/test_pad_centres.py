"""Pairing a rating pad into the centre chosen by staff of several centres."""

from __future__ import annotations

import pytest

from onestop.core.models import Membership, Role, Window
from onestop.ratings.models import RatingPad
from onestop.ratings.tests.test_pads import new_device

pytestmark = pytest.mark.django_db


@pytest.fixture
def clerk_of_two(demo, other_centre):
    """The demo clerk, made a clerk of the second centre (南海区) as well, which has
    the window 2."""
    Window.objects.create(centre=other_centre, code="2", name="南海综合窗口 2")
    Membership.objects.create(
        user=demo.user("clerk"), centre=other_centre, role=Role.CLERK
    )
    return demo.client("clerk")


def test_page_offers_each_centre(demo, other_centre, clerk_of_two):
    response = clerk_of_two.get("/ratings/pads/")

    text = response.content.decode()
    assert 'id="pad-centre"' in text
    assert f'value="{other_centre.slug}"' in text
    assert f'value="{demo.centre.slug}"' in text


def test_single_centre_has_no_choice(demo):
    response = demo.client("clerk").get("/ratings/pads/")
    assert 'id="pad-centre"' not in response.content.decode()


def test_page_pairs_into_chosen_centre(demo, other_centre, clerk_of_two):
    _device, pairing = new_device()

    response = clerk_of_two.post(
        "/ratings/pads/",
        {"code": pairing.code, "window": "2", "centre": other_centre.slug},
    )

    assert response.status_code == 302, response.content
    assert response.url == f"/ratings/pads/?centre={other_centre.slug}"
    pad = RatingPad.objects.get()
    assert pad.centre == other_centre
    assert pad.window == "南海综合窗口 2"


def test_chosen_centre_shown_on_get(demo, other_centre, clerk_of_two):
    response = clerk_of_two.get(f"/ratings/pads/?centre={other_centre.slug}")
    assert other_centre.name in response.content.decode()


def test_api_pairs_into_chosen_centre(demo, other_centre, clerk_of_two):
    _device, pairing = new_device()

    response = clerk_of_two.post(
        "/api/v1/ratings/pads",
        {"code": pairing.code, "window": "2", "centre": other_centre.slug},
        content_type="application/json",
    )

    assert response.status_code == 201, response.content
    assert RatingPad.objects.get().centre == other_centre


def test_api_default_is_first_centre(demo, other_centre, clerk_of_two):
    _device, pairing = new_device()

    response = clerk_of_two.post(
        "/api/v1/ratings/pads",
        {"code": pairing.code, "window": "2"},
        content_type="application/json",
    )

    assert response.status_code == 201, response.content
    assert RatingPad.objects.get().centre == demo.centre


def test_centre_without_role_rejected(demo, other_centre):
    _device, pairing = new_device()

    response = demo.client("clerk").post(
        "/ratings/pads/",
        {"code": pairing.code, "window": "2", "centre": other_centre.slug},
    )

    assert response.status_code == 403
    text = response.content.decode()
    assert "<code>rating.pad_centre_not_allowed</code>" in text
    assert demo.centre.slug in text
    assert not RatingPad.objects.exists()
