"""A kiosk session ends after ONESTOP_KIOSK_IDLE_SECONDS without a request."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.django_db


def test_kiosk_session_expires_when_idle(client, demo, settings):
    settings.ONESTOP_KIOSK_IDLE_SECONDS = 120

    response = client.get(f"/kiosk/{demo.centre.slug}/matters/")

    assert response.cookies["sessionid"]["max-age"] == 120


def test_portal_session_keeps_default_age(client, demo, settings):
    settings.ONESTOP_KIOSK_IDLE_SECONDS = 120
    client.force_login(demo.user("applicant"))

    response = client.get(f"/portal/{demo.centre.slug}/matters/")

    assert "sessionid" not in response.cookies or (
        response.cookies["sessionid"]["max-age"] != 120
    )


def test_idle_notice_has_singular_and_plural(client, demo):
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"

    page = client.get("/kiosk/login/").content.decode()

    assert 'data-warning-one="Nobody has touched' in page
    assert "starts again in {seconds} second and signs you out" in page
    assert "starts again in {seconds} seconds and signs you out" in page


def test_expired_kiosk_session_signs_in_at_kiosk(client, demo):
    client.get(f"/kiosk/{demo.centre.slug}/matters/")
    # The session ended, as after ONESTOP_KIOSK_IDLE_SECONDS, and only the kiosk
    # cookie is left.
    client.cookies.pop("sessionid")

    response = client.get("/portal/notifications/")

    assert response.status_code == 302
    assert response["Location"] == "/kiosk/login/?next=/portal/notifications/"


def test_desktop_sign_in_without_kiosk_cookie(client, demo):
    response = client.get("/portal/notifications/")

    assert response["Location"] == "/accounts/login/?next=/portal/notifications/"


def test_staff_at_kiosk_loses_kiosk_cookie(client, demo):
    client.get(f"/kiosk/{demo.centre.slug}/matters/")
    client.force_login(demo.user("clerk"))

    client.get(f"/kiosk/{demo.centre.slug}/matters/")
    client.logout()
    response = client.get("/portal/notifications/")

    assert response["Location"] == "/accounts/login/?next=/portal/notifications/"
