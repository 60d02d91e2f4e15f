"""The kiosk's own sign-in page, which keeps the touch layout."""

from __future__ import annotations

from django.test import Client

from onestop.portal.demo import PASSWORD


def test_apply_sends_visitor_to_kiosk_sign_in(demo):
    path = f"/kiosk/{demo.centre.slug}/matters/food-business-licence/apply/"

    response = Client().get(path)

    assert response.status_code == 302
    assert response["Location"] == f"/kiosk/login/?next={path}"


def test_sign_in_page_uses_touch_layout(demo):
    page = Client().get("/kiosk/login/").content.decode()

    assert 'class="kiosk"' in page
    assert 'href="/kiosk/login/"' in page


def test_sign_in_returns_to_kiosk(demo):
    response = Client().post(
        "/kiosk/login/", {"username": "applicant", "password": PASSWORD}
    )

    assert response.status_code == 302
    assert response["Location"] == "/kiosk/"
