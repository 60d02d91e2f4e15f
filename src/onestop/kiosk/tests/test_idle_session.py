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
