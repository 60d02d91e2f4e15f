"""Rating pads (评价器): pairing a device with a window, rating on it, and the denials."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.contrib.auth import get_user_model
from django.test import Client
from django.utils import timezone

from onestop.core.errors import PermissionDenied
from onestop.core.models import AuditEvent, Membership, Role, Window
from onestop.portal.demo import PASSWORD
from onestop.ratings.models import (
    PAD_COOKIE,
    PadPairing,
    Rating,
    RatingChannel,
    RatingPad,
    digest_of,
)
from onestop.ratings.pads import pair_pad, revoke_pad, start_pairing
from onestop.ratings.tests.test_links import link_of, open_visit

pytestmark = pytest.mark.django_db


def new_device() -> tuple[Client, PadPairing]:
    """Open the pad page on a device without a cookie and return it with its pairing."""
    device = Client()
    response = device.get("/ratings/pad/")
    assert response.status_code == 200, response.content
    return device, PadPairing.objects.latest("pk")


def paired_device(demo, window="5", username="clerk") -> tuple[Client, RatingPad]:
    device, pairing = new_device()
    response = demo.client(username).post(
        "/ratings/pads/", {"code": pairing.code, "window": window}
    )
    assert response.status_code == 302, response.content
    return device, RatingPad.objects.latest("pk")


def centre_admin_of(centre, username="nanhai-admin"):
    user = get_user_model().objects.create_user(username, password=PASSWORD)
    Membership.objects.create(user=user, centre=centre, role=Role.CENTRE_ADMIN)
    return user


# --- pairing -----------------------------------------------------------------------------


def test_pad_page_shows_pairing_code(db):
    device, pairing = new_device()
    page = device.get("/ratings/pad/").content.decode()
    cookie = device.cookies[PAD_COOKIE]
    assert f"{pairing.code[:4]}-{pairing.code[4:]}" in page
    assert PadPairing.objects.count() == 1
    assert pairing.secret_digest == digest_of(cookie.value)
    assert cookie.value not in pairing.secret_digest
    assert cookie["httponly"]
    assert cookie["secure"]
    assert cookie["samesite"] == "Strict"
    assert int(cookie["max-age"]) == 365 * 24 * 3600
    lifetime = pairing.expires_at - pairing.created_at
    assert lifetime == dt.timedelta(minutes=10)


def test_clerk_pairs_pad_by_code(demo):
    device, pairing = new_device()
    response = demo.client("clerk").post(
        "/ratings/pads/", {"code": pairing.code.lower(), "window": " 5 "}
    )
    assert response.status_code == 302, response.content
    pad = RatingPad.objects.get()
    assert pad.centre == demo.centre
    assert pad.window == "综合窗口 5"
    assert pad.window_record.code == "5"
    assert pad.paired_by == demo.user("clerk")
    assert pad.secret_digest == digest_of(device.cookies[PAD_COOKIE].value)
    assert not PadPairing.objects.exists()
    event = AuditEvent.objects.get(verb="rating_pad.paired")
    assert event.object_id == str(pad.pk)
    assert event.actor == demo.user("clerk")
    assert event.data == {"window": "5"}
    page = device.get("/ratings/pad/").content.decode()
    assert "请评价 / Please rate" in page
    assert 'id="pad-idle"' in page
    pad.refresh_from_db()
    assert pad.last_seen_at is not None


def test_pairing_code_used_once(demo):
    _device, pairing = new_device()
    clerk = demo.client("clerk")
    clerk.post("/ratings/pads/", {"code": pairing.code, "window": "5"})
    response = clerk.post("/ratings/pads/", {"code": pairing.code, "window": "6"})
    assert response.status_code == 400
    assert 'data-code="rating.pairing_code_invalid"' in response.content.decode()
    assert RatingPad.objects.count() == 1


def test_expired_pairing_code_rejected(demo):
    _device, pairing = new_device()
    with time_machine.travel(timezone.now() + dt.timedelta(minutes=11)):
        response = demo.client("clerk").post(
            "/api/v1/ratings/pads",
            {"code": pairing.code, "window": "5"},
            content_type="application/json",
        )
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "rating.pairing_code_invalid"
    assert pairing.code in body["message"]
    assert "10 minutes" in body["message"]
    assert not RatingPad.objects.exists()


def test_expired_code_replaced_on_reload(db):
    device, first = new_device()
    with time_machine.travel(timezone.now() + dt.timedelta(minutes=11)):
        device.get("/ratings/pad/")
        second = PadPairing.objects.get()
    assert second.code != first.code
    assert second.secret_digest == digest_of(device.cookies[PAD_COOKIE].value)


def test_centre_admin_pairs_by_api(demo):
    _device, pairing = new_device()
    response = demo.client("centreadmin").post(
        "/api/v1/ratings/pads",
        {"code": pairing.code, "window": "6"},
        content_type="application/json",
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["window"] == "综合窗口 6"
    assert body["window_code"] == "6"
    assert body["paired_by"] == demo.user("centreadmin").pk
    assert body["revoked_at"] is None


def test_second_pad_for_window_rejected(demo):
    _first, pad = paired_device(demo, window="5")
    _device, pairing = new_device()
    response = demo.client("clerk").post(
        "/api/v1/ratings/pads",
        {"code": pairing.code, "window": "5"},
        content_type="application/json",
    )
    assert response.status_code == 409
    assert response.json()["code"] == "rating.pad_window_taken"
    assert response.json()["details"]["pad"] == pad.pk


def test_pad_window_required(demo):
    _device, pairing = new_device()
    response = demo.client("clerk").post(
        "/ratings/pads/", {"code": pairing.code, "window": "  "}
    )
    assert response.status_code == 400
    assert 'data-code="rating.pad_window_required"' in response.content.decode()


def test_open_pairings_bounded(db, monkeypatch):
    monkeypatch.setattr("onestop.ratings.pads.MAX_OPEN_PAIRINGS", 2)
    start_pairing()
    start_pairing()
    response = Client().get("/ratings/pad/")
    assert response.status_code == 429
    assert "rating.too_many_pairings" in response.content.decode()


def test_pairings_per_address_bounded(db, settings):
    settings.ONESTOP_PAD_PAIRINGS_PER_ADDRESS = 3
    for _ in range(3):
        assert Client().get("/ratings/pad/").status_code == 200

    response = Client().get("/ratings/pad/", headers={"Accept-Language": "en"})
    other = Client(REMOTE_ADDR="192.0.2.7").get("/ratings/pad/")

    assert response.status_code == 429
    assert "rating.too_many_pairings_from_address" in response.content.decode()
    assert "Too many devices from this address" in response.content.decode()
    assert PadPairing.objects.count() == 4
    assert other.status_code == 200


def test_reload_of_pairing_page_not_counted(db, settings):
    settings.ONESTOP_PAD_PAIRINGS_PER_ADDRESS = 1
    device = Client()

    first = device.get("/ratings/pad/")
    again = device.get("/ratings/pad/")

    assert first.status_code == 200
    assert again.status_code == 200
    assert PadPairing.objects.count() == 1


# --- denials -----------------------------------------------------------------------------


def test_other_centre_clerk_cannot_pair(demo, other_centre):
    pairing, _secret = start_pairing()
    with pytest.raises(PermissionDenied) as raised:
        pair_pad(
            actor=demo.user("nanhai-clerk"),
            centre=demo.centre,
            code=pairing.code,
            window="5",
        )
    assert raised.value.code == "permission.role_required"
    assert not RatingPad.objects.exists()
    assert PadPairing.objects.filter(pk=pairing.pk).exists()


def test_other_centre_clerk_pairs_into_own_centre(demo, other_centre):
    Window.objects.create(centre=other_centre, code="5", name="南海综合窗口 5")
    _device, pairing = new_device()
    demo.client("nanhai-clerk").post(
        "/ratings/pads/", {"code": pairing.code, "window": "5"}
    )
    assert RatingPad.objects.get().centre == other_centre


def test_supervisor_cannot_pair(demo):
    _device, pairing = new_device()
    response = demo.client("supervisor").post(
        "/ratings/pads/", {"code": pairing.code, "window": "5"}
    )
    assert response.status_code == 403
    assert "permission.role_required" in response.content.decode()
    assert not RatingPad.objects.exists()


def test_other_centre_admin_cannot_revoke(demo, other_centre):
    _device, pad = paired_device(demo)
    admin = centre_admin_of(other_centre)
    client = Client()
    client.force_login(admin)
    response = client.post(f"/api/v1/ratings/pads/{pad.pk}/revoke")
    assert response.status_code == 404
    assert response.json()["code"] == "rating.pad_not_found"
    with pytest.raises(PermissionDenied):
        revoke_pad(actor=admin, pad=pad)
    pad.refresh_from_db()
    assert pad.revoked_at is None


def test_clerk_cannot_revoke(demo):
    _device, pad = paired_device(demo)
    response = demo.client("clerk").post(f"/ratings/pads/{pad.pk}/revoke/")
    assert response.status_code == 404
    assert "rating.pad_not_found" in response.content.decode()
    with pytest.raises(PermissionDenied):
        revoke_pad(actor=demo.user("clerk"), pad=pad)
    pad.refresh_from_db()
    assert pad.revoked_at is None


def test_centre_admin_lists_own_centre_pads(demo, other_centre):
    Window.objects.create(centre=other_centre, code="5", name="南海综合窗口 5")
    _device, own = paired_device(demo)
    _other_device, other = paired_device(demo, username="nanhai-clerk")
    admin = demo.client("centreadmin")
    listed = admin.get("/api/v1/ratings/pads").json()
    page = admin.get("/ratings/pads/").content.decode()
    assert [row["id"] for row in listed] == [own.pk]
    assert f'data-pad="{own.pk}"' in page
    assert f'data-pad="{other.pk}"' not in page
    clerk_page = demo.client("clerk").get("/ratings/pads/").content.decode()
    assert f'data-pad="{own.pk}"' not in clerk_page
    assert demo.client("clerk").get("/api/v1/ratings/pads").json() == []


def test_revoked_pad_cookie_no_longer_works(demo):
    device, pad = paired_device(demo)
    visit, _clerk = open_visit(demo)
    response = demo.client("centreadmin").post(f"/ratings/pads/{pad.pk}/revoke/")
    assert response.status_code == 302
    pad.refresh_from_db()
    assert pad.revoked_by == demo.user("centreadmin")
    assert AuditEvent.objects.filter(verb="rating_pad.revoked").count() == 1
    link = link_of(visit, RatingChannel.WINDOW_SCREEN)
    rated = device.post("/ratings/pad/rate/", {"link": link.pk, "level": "5"})
    assert rated["HX-Refresh"] == "true"
    assert not Rating.objects.exists()
    page = device.get("/ratings/pad/").content.decode()
    assert 'id="pairing-code"' in page
    assert PadPairing.objects.count() == 1


# --- rating on the pad -------------------------------------------------------------------


def test_pad_shows_newest_screen_link_of_its_window(demo):
    device, _pad = paired_device(demo, window="5")
    visit, _clerk = open_visit(demo)
    link = link_of(visit, RatingChannel.WINDOW_SCREEN)
    panel = device.get("/ratings/pad/panel/?shown=idle")
    page = panel.content.decode()
    assert panel.status_code == 200
    assert f'data-state="link-{link.pk}"' in page
    assert f'name="link" value="{link.pk}"' in page
    assert "<svg" in page
    assert link.token not in page
    same = device.get(f"/ratings/pad/panel/?shown=link-{link.pk}")
    assert same.status_code == 204


def test_pad_ignores_other_windows(demo):
    device, _pad = paired_device(demo, window="6")
    open_visit(demo)
    panel = device.get("/ratings/pad/panel/?shown=")
    assert 'data-state="idle"' in panel.content.decode()


def test_new_pad_ignores_earlier_visits(demo):
    earlier, _clerk = open_visit(demo)
    link = link_of(earlier, RatingChannel.WINDOW_SCREEN)
    device, _pad = paired_device(demo, window="5")

    panel = device.get("/ratings/pad/panel/?shown=")
    rated = device.post("/ratings/pad/rate/", {"link": link.pk, "level": "5"})

    assert 'data-state="idle"' in panel.content.decode()
    assert 'data-code="rating.link_not_found"' in rated.content.decode()
    assert not Rating.objects.filter(visit=earlier).exists()


def test_pad_rates_visit_then_goes_idle(demo):
    device, pad = paired_device(demo, window="5")
    visit, _clerk = open_visit(demo)
    link = link_of(visit, RatingChannel.WINDOW_SCREEN)
    response = device.post(
        "/ratings/pad/rate/",
        {"link": link.pk, "level": "2", "tags": ["service_attitude"]},
    )
    assert 'id="pad-thanks"' in response.content.decode()
    rating = Rating.objects.get(visit=visit)
    assert rating.level == 2
    assert rating.channel == RatingChannel.WINDOW_SCREEN
    assert rating.link == link
    event = AuditEvent.objects.get(verb="visit.rated")
    assert event.data["pad"] == pad.pk
    panel = device.get("/ratings/pad/panel/?shown=thanks")
    assert 'data-state="idle"' in panel.content.decode()


def test_pad_goes_idle_when_link_expires(demo):
    device, _pad = paired_device(demo, window="5")
    open_visit(demo)
    with time_machine.travel(timezone.now() + dt.timedelta(minutes=31)):
        panel = device.get("/ratings/pad/panel/?shown=")
    assert 'data-state="idle"' in panel.content.decode()


def test_pad_shows_error_in_panel(demo):
    device, _pad = paired_device(demo, window="5")
    visit, _clerk = open_visit(demo)
    link = link_of(visit, RatingChannel.WINDOW_SCREEN)
    response = device.post("/ratings/pad/rate/", {"link": link.pk, "level": "9"})
    page = response.content.decode()
    assert response.status_code == 200
    assert 'data-code="rating.invalid_level"' in page
    assert f'data-state="link-{link.pk}"' in page
    assert not Rating.objects.exists()


def test_screen_link_of_padded_window_refused_elsewhere(demo):
    paired_device(demo, window="5")
    visit, _clerk = open_visit(demo)
    token = link_of(visit, RatingChannel.WINDOW_SCREEN).token
    page = Client(headers={"Accept-Language": "zh-hans"}).post(
        f"/ratings/screen/{token}/", {"level": "5"}
    )
    api = Client().post(
        f"/api/v1/ratings/links/{token}", {"level": 5}, content_type="application/json"
    )
    assert page.status_code == 403
    assert 'data-code="rating.pad_required"' in page.content.decode()
    assert "窗口 5 的评价器" in page.content.decode()
    assert api.status_code == 403
    assert api.json()["code"] == "rating.pad_required"
    assert "rating pad of window 5" in api.json()["message"]
    assert not Rating.objects.exists()


def test_screen_link_elsewhere_shows_no_form(demo):
    paired_device(demo, window="5")
    visit, _clerk = open_visit(demo)
    token = link_of(visit, RatingChannel.WINDOW_SCREEN).token

    response = Client().get(f"/ratings/screen/{token}/")

    page = response.content.decode()
    assert response.status_code == 403
    assert 'data-code="rating.pad_required"' in page
    assert 'name="level"' not in page


def test_screen_link_refused_on_pad_of_other_window(demo):
    device, _pad = paired_device(demo, window="6")
    paired_device(demo, window="5")
    visit, _clerk = open_visit(demo)
    token = link_of(visit, RatingChannel.WINDOW_SCREEN).token
    response = device.post(f"/ratings/screen/{token}/", {"level": "5"})
    assert response.status_code == 403
    assert 'data-code="rating.pad_required"' in response.content.decode()


def test_screen_link_accepted_on_its_pad(demo):
    device, _pad = paired_device(demo, window="5")
    visit, _clerk = open_visit(demo)
    token = link_of(visit, RatingChannel.WINDOW_SCREEN).token
    response = device.post(f"/ratings/screen/{token}/", {"level": "4"})
    assert response.status_code == 302
    assert Rating.objects.get(visit=visit).level == 4


def test_qr_link_of_padded_window_works_on_phone(demo):
    paired_device(demo, window="5")
    visit, _clerk = open_visit(demo)
    token = link_of(visit, RatingChannel.QR_CODE).token
    response = Client().post(
        f"/api/v1/ratings/links/{token}", {"level": 5}, content_type="application/json"
    )
    assert response.status_code == 201, response.content


def test_screen_link_works_anywhere_after_revoke(demo):
    _device, pad = paired_device(demo, window="5")
    visit, _clerk = open_visit(demo)
    revoke_pad(actor=demo.user("centreadmin"), pad=pad)
    token = link_of(visit, RatingChannel.WINDOW_SCREEN).token
    response = Client().post(f"/ratings/screen/{token}/", {"level": "4"})
    assert response.status_code == 302


# --- the clerk's visit page --------------------------------------------------------------


def test_visit_page_hides_links_with_pad(demo):
    paired_device(demo, window="5")
    visit, clerk = open_visit(demo)
    page = clerk.get(f"/ratings/visits/{visit.pk}/").content.decode()
    assert 'id="visit-pad"' in page
    assert "rating pad of window 综合窗口 5" in page
    assert link_of(visit, RatingChannel.WINDOW_SCREEN).token not in page
    assert link_of(visit, RatingChannel.QR_CODE).token not in page
    assert "<svg" not in page
    assert 'name="action" value="sms"' in page


def test_visit_page_says_no_pad(demo):
    visit, clerk = open_visit(demo)
    page = clerk.get(f"/ratings/visits/{visit.pk}/").content.decode()
    assert 'id="visit-no-pad"' in page
    assert "No rating pad is paired with window 综合窗口 5" in page
    assert link_of(visit, RatingChannel.WINDOW_SCREEN).token in page


def test_pairing_page_reloads_once_paired(demo):
    device, pairing = new_device()
    waiting = device.get("/ratings/pad/panel/?shown=pairing")
    demo.client("clerk").post("/ratings/pads/", {"code": pairing.code, "window": "5"})
    paired = device.get("/ratings/pad/panel/?shown=pairing")
    assert waiting.status_code == 204
    assert paired["HX-Refresh"] == "true"


def test_pad_offers_language_switch(demo):
    device, _pad = paired_device(demo, window="5")
    page = device.get("/ratings/pad/", headers={"Accept-Language": "en"})
    text = page.content.decode()
    assert 'id="language-switch"' in text
    assert 'value="zh-hans"' in text
    assert 'name="next" type="hidden" value="/ratings/pad/"' in text
    response = device.post(
        "/i18n/setlang/", {"language": "zh-hans", "next": "/ratings/pad/"}
    )
    assert response.status_code == 302
    assert response["Location"] == "/ratings/pad/"
    assert "the rating form appears here" in text
    assert (
        "the rating form appears here"
        not in device.get("/ratings/pad/").content.decode()
    )


def test_taken_window_named_in_chinese(demo):
    _first, pad = paired_device(demo, window="5")
    _device, pairing = new_device()

    response = demo.client("clerk").post(
        "/ratings/pads/",
        {"code": pairing.code, "window": "5"},
        headers={"Accept-Language": "zh-hans"},
    )

    paired_at = timezone.localtime(pad.paired_at).strftime("%Y-%m-%d %H:%M")
    assert response.status_code == 409
    assert (
        f"“综合窗口 5”已有评价器 {pad.pk}，配对于 {paired_at}。须由中心管理员先在评价器"
        "页面撤销该评价器，才能为此窗口配对另一台评价器。"
    ) in response.content.decode()


def test_pairing_form_marks_taken_window(demo):
    paired_device(demo, window="5")

    page = (
        demo.client("clerk")
        .get("/ratings/pads/", headers={"Accept-Language": "zh-hans"})
        .content.decode()
    )

    assert '<option value="5" disabled>综合窗口 5 · 已有评价器</option>' in page
    assert '<option value="6">综合窗口 6</option>' in page
