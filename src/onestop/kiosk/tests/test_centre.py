"""A kiosk stays with the centre whose pages it shows, across sessions."""

from __future__ import annotations

from django.test import Client

from onestop.portal.demo import PASSWORD


def test_kiosk_returns_to_its_centre_after_sign_out(demo, other_centre):
    kiosk = Client()
    kiosk.get(f"/kiosk/{other_centre.slug}/matters/")
    kiosk.post("/kiosk/login/", {"username": "applicant", "password": PASSWORD})

    signed_out = kiosk.post("/accounts/logout/", {"next": "/kiosk/"}, follow=True)

    assert signed_out.redirect_chain[-1][0] == f"/kiosk/{other_centre.slug}/matters/"


def test_kiosk_with_several_centres_lists_them(demo, other_centre):
    page = Client().get("/kiosk/")

    assert page.status_code == 200
    content = page.content.decode()
    assert f'href="/kiosk/{demo.centre.slug}/matters/"' in content
    assert f'href="/kiosk/{other_centre.slug}/matters/"' in content
    assert 'class="kiosk"' in content


def test_centre_in_query_sets_the_kiosk_centre(demo, other_centre):
    kiosk = Client()

    first = kiosk.get(f"/kiosk/?centre={other_centre.slug}")
    again = kiosk.get("/kiosk/")

    assert first["Location"] == f"/kiosk/{other_centre.slug}/matters/"
    assert again["Location"] == f"/kiosk/{other_centre.slug}/matters/"


def test_unknown_centre_is_not_remembered(demo, other_centre):
    kiosk = Client()

    missing = kiosk.get("/kiosk/no-such-centre/matters/")
    home = kiosk.get("/kiosk/?centre=no-such-centre")

    assert missing.status_code == 404
    assert "onestop_kiosk_centre" not in missing.cookies
    assert home.status_code == 200


def test_single_centre_needs_no_choice(demo):
    response = Client().get("/kiosk/")

    assert response["Location"] == f"/kiosk/{demo.centre.slug}/matters/"
