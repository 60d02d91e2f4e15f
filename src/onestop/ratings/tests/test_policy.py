"""A centre's rating policy: the page and API that set it, its bounds and audit, and the
pads-only rule that keeps a clerk from seeing or using the rating links of a visit."""

from __future__ import annotations

import json

import pytest
from django.test import Client

from onestop.core.models import AuditEvent
from onestop.ratings.models import Rating, RatingChannel, RatingPolicy, Visit
from onestop.ratings.pads import revoke_pad
from onestop.ratings.policy import update_policy
from onestop.ratings.tests.test_links import link_of, open_visit
from onestop.ratings.tests.test_pads import centre_admin_of, paired_device

pytestmark = pytest.mark.django_db


def put_policy(client: Client, slug: str, body: dict, language: str = "en"):
    return client.put(
        f"/api/v1/ratings/policies/{slug}",
        json.dumps(body),
        content_type="application/json",
        headers={"Accept-Language": language},
    )


def require_pads(demo) -> None:
    update_policy(
        actor=demo.user("centreadmin"),
        centre=demo.centre,
        values={"pads_required": True},
    )


# --- setting the policy ------------------------------------------------------------------


def test_centre_admin_sets_policy_on_page(demo):
    admin = demo.client("centreadmin")
    url = f"/ratings/policy/{demo.centre.slug}/"
    page = admin.get(url, headers={"Accept-Language": "zh-hans"}).content.decode()
    assert 'name="screen_link_minutes"' in page
    assert 'value="30"' in page

    response = admin.post(
        url,
        {
            "change_period_hours": "48",
            "default_rating_days": "7",
            "rectification_working_days": "10",
            "appeal_days": "5",
            "screen_link_minutes": "15",
            "pads_required": "on",
        },
    )

    assert response.status_code == 302, response.content
    policy = RatingPolicy.objects.get(centre=demo.centre)
    assert (policy.change_period_hours, policy.screen_link_minutes) == (48, 15)
    assert policy.rectification_working_days == 10
    assert policy.pads_required is True
    event = AuditEvent.objects.get(verb="rating_policy.changed")
    assert event.data["changed"] == {
        "change_period_hours": [24, 48],
        "rectification_working_days": [5, 10],
        "screen_link_minutes": [30, 15],
        "pads_required": [False, True],
    }


def test_policy_index_sends_admin_to_own_centre(demo):
    response = demo.client("centreadmin").get("/ratings/policy/")
    assert response.status_code == 302
    assert response["Location"] == f"/ratings/policy/{demo.centre.slug}/"


def test_value_out_of_range_keeps_typed_values(demo):
    admin = demo.client("centreadmin")
    response = admin.post(
        f"/ratings/policy/{demo.centre.slug}/",
        {
            "change_period_hours": "48",
            "default_rating_days": "7",
            "rectification_working_days": "20",
            "appeal_days": "5",
            "screen_link_minutes": "30",
        },
        headers={"Accept-Language": "zh-hans"},
    )

    page = response.content.decode()
    assert response.status_code == 400
    assert 'data-code="rating.policy_value_out_of_range"' in page
    assert "整改差评的工作日数为 20" in page
    assert 'value="48"' in page
    assert not RatingPolicy.objects.filter(centre=demo.centre).exists()


def test_api_reads_and_changes_policy(demo):
    admin = demo.client("centreadmin")
    paired_device(demo, window="5")

    before = admin.get(f"/api/v1/ratings/policies/{demo.centre.slug}").json()
    response = put_policy(admin, demo.centre.slug, {"appeal_days": 10})

    assert before["appeal_days"] == 5
    assert before["pads_required"] is False
    assert before["windows_with_pads"] == ["5"]
    assert response.status_code == 200, response.content
    assert response.json()["appeal_days"] == 10
    assert response.json()["change_period_hours"] == 24


@pytest.mark.parametrize(
    ("body", "code"),
    [
        ({"screen_link_minutes": 2}, "rating.policy_value_out_of_range"),
        ({"default_rating_days": 31}, "rating.policy_value_out_of_range"),
        ({"appeal_days": "10"}, "request.invalid"),
        ({"appeal_days": True}, "request.invalid"),
        ({"pads_required": "yes"}, "request.invalid"),
        ({"appeal_day": 10}, "request.invalid"),
    ],
)
def test_api_rejects_bad_values(demo, body, code):
    response = put_policy(demo.client("centreadmin"), demo.centre.slug, body)
    assert response.status_code in (400, 422), response.content
    assert response.json()["code"] == code
    assert not RatingPolicy.objects.filter(centre=demo.centre).exists()


def test_out_of_range_message_names_field_value_and_bounds(demo):
    response = put_policy(
        demo.client("centreadmin"),
        demo.centre.slug,
        {"appeal_days": 5, "screen_link_minutes": 500},
    )
    body = response.json()
    assert body["details"] == {
        "field": "screen_link_minutes",
        "value": 500,
        "min": 5,
        "max": 240,
    }
    assert "Minutes a rating screen at the window stays open is 500" in body["message"]
    assert "5 to 240" in body["message"]


def test_unchanged_policy_writes_no_event(demo):
    put_policy(demo.client("centreadmin"), demo.centre.slug, {"appeal_days": 5})
    assert not AuditEvent.objects.filter(verb="rating_policy.changed").exists()


@pytest.mark.parametrize("username", ["clerk", "supervisor", "applicant"])
def test_only_admins_see_policy(demo, username):
    client = demo.client(username)
    api = client.get(f"/api/v1/ratings/policies/{demo.centre.slug}")
    change = put_policy(client, demo.centre.slug, {"pads_required": True})
    page = client.get(f"/ratings/policy/{demo.centre.slug}/")
    assert api.status_code == 403
    assert change.status_code == 403
    assert page.status_code == 403
    assert not RatingPolicy.objects.filter(centre=demo.centre).exists()


def test_other_centre_admin_cannot_set_policy(demo, other_centre):
    client = Client()
    client.force_login(centre_admin_of(other_centre))
    response = put_policy(client, demo.centre.slug, {"pads_required": True})
    assert response.status_code == 403
    assert not RatingPolicy.objects.filter(centre=demo.centre).exists()


def test_platform_admin_sets_any_centre_policy(demo, other_centre):
    response = put_policy(
        demo.client("platform"), other_centre.slug, {"pads_required": True}
    )
    assert response.status_code == 200, response.content
    assert RatingPolicy.objects.get(centre=other_centre).pads_required


# --- rating visits on pads only ----------------------------------------------------------


def test_visit_at_window_without_pad_rejected(demo):
    paired_device(demo, window="3")
    require_pads(demo)

    response = demo.client("clerk").post(
        "/ratings/visits/new/",
        {"id_number": "440604198503150024", "window": "5"},
        headers={"Accept-Language": "en"},
    )

    page = response.content.decode()
    assert response.status_code == 400
    assert 'data-code="rating.window_pad_missing"' in page
    assert "Window 5 has no rating pad" in page
    assert "(3)" in page
    assert 'value="5"' in page
    assert not Visit.objects.exists()


def test_visit_api_without_pad_names_windows(demo):
    require_pads(demo)
    response = demo.client("clerk").post(
        "/api/v1/ratings/visits",
        {"id_number": "440604198503150024", "window": "5"},
        content_type="application/json",
        headers={"Accept-Language": "zh-hans"},
    )
    body = response.json()
    assert response.status_code == 400
    assert body["code"] == "rating.window_pad_missing"
    assert body["details"] == {"window": "5", "windows": []}
    assert "尚无窗口配对评价器" in body["message"]


def test_visit_at_padded_window_rated_on_pad(demo):
    device, _pad = paired_device(demo, window="5")
    require_pads(demo)
    visit, clerk = open_visit(demo)

    page = clerk.get(f"/ratings/visits/{visit.pk}/").content.decode()
    token = link_of(visit, RatingChannel.WINDOW_SCREEN).token
    response = device.post(f"/ratings/screen/{token}/", {"level": "5"})

    assert token not in page
    assert response.status_code == 302
    assert Rating.objects.get(visit=visit).level == 5


def test_revoked_pad_hides_and_rejects_links(demo):
    _device, pad = paired_device(demo, window="5")
    require_pads(demo)
    visit, clerk = open_visit(demo)
    revoke_pad(actor=demo.user("centreadmin"), pad=pad)
    screen = link_of(visit, RatingChannel.WINDOW_SCREEN).token
    qr = link_of(visit, RatingChannel.QR_CODE).token

    page = clerk.get(
        f"/ratings/visits/{visit.pk}/", headers={"Accept-Language": "en"}
    ).content.decode()
    response = Client().post(
        f"/api/v1/ratings/links/{screen}",
        {"level": 5},
        content_type="application/json",
        headers={"Accept-Language": "en"},
    )

    assert 'id="visit-pad-missing"' in page
    assert screen not in page
    assert qr not in page
    assert response.status_code == 403
    assert response.json()["code"] == "rating.pad_revoked"
    assert "window 5 was revoked" in response.json()["message"]
    assert not Rating.objects.exists()


def test_without_policy_revoked_pad_links_work_anywhere(demo):
    _device, pad = paired_device(demo, window="5")
    visit, _clerk = open_visit(demo)
    revoke_pad(actor=demo.user("centreadmin"), pad=pad)
    token = link_of(visit, RatingChannel.WINDOW_SCREEN).token
    response = Client().post(
        f"/api/v1/ratings/links/{token}", {"level": 5}, content_type="application/json"
    )
    assert response.status_code == 201, response.content


def test_new_visit_page_offers_padded_windows(demo):
    paired_device(demo, window="6")
    require_pads(demo)
    page = demo.client("clerk").get("/ratings/visits/new/").content.decode()
    assert '<option value="6">综合窗口 6 · rating pad</option>' in page
    assert 'id="pads-required"' in page
