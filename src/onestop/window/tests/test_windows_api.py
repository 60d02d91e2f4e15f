"""/api/v1/centres/{slug}/windows: list, add, rename, deactivate and reactivate, and
the denials for clerks and for admins of another centre."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model

from onestop.core.models import AuditEvent, Membership, Role, Window, WindowKind
from onestop.portal.demo import PASSWORD
from onestop.ratings.models import RatingPad
from onestop.ratings.tests.test_pads import paired_device

pytestmark = pytest.mark.django_db


def url(demo, code=""):
    base = f"/api/v1/centres/{demo.centre.slug}/windows"
    return f"{base}/{code}" if code else base


def post(client, path, body, language="en"):
    return client.post(
        path,
        body,
        content_type="application/json",
        headers={"Accept-Language": language},
    )


def put(client, path, body, language="en"):
    return client.put(
        path,
        body,
        content_type="application/json",
        headers={"Accept-Language": language},
    )


def test_list_shows_demo_windows(demo):
    response = demo.client("centreadmin").get(url(demo))

    assert response.status_code == 200, response.content
    rows = response.json()
    assert [row["code"] for row in rows] == ["1", "2", "3", "4", "5", "6"]
    assert rows[0]["name"] == "综合窗口 1"
    assert rows[0]["kind"] == "comprehensive"
    assert rows[0]["department"] is None
    assert rows[0]["is_active"] is True


def test_add_department_window(demo):
    response = post(
        demo.client("centreadmin"),
        url(demo),
        {
            "code": "M1",
            "name": "市场监管窗口",
            "kind": "department",
            "department": "market_regulation",
        },
    )

    assert response.status_code == 201, response.content
    body = response.json()
    assert body["code"] == "M1"
    assert body["department"] == "market_regulation"
    assert body["department_name"] == demo.market.name
    window = Window.objects.get(centre=demo.centre, code="M1")
    assert window.kind == WindowKind.DEPARTMENT
    assert window.department == demo.market
    event = AuditEvent.objects.get(verb="window.created")
    assert event.centre == demo.centre
    assert event.data["code"] == "M1"
    assert event.data["department"] == "market_regulation"


def test_duplicate_code_is_rejected(demo):
    response = post(
        demo.client("centreadmin"), url(demo), {"code": "3", "name": "另一个窗口"}
    )

    assert response.status_code == 409
    body = response.json()
    assert body["code"] == "window.code_taken"
    assert body["details"]["window"] == "3"
    assert body["message"] == (
        f"{demo.centre.name} already has the window 3 (综合窗口 3), so no window was "
        "added. Give another code, or reactivate that window if it is deactivated."
    )
    assert Window.objects.filter(centre=demo.centre, code="3").count() == 1


def test_duplicate_code_message_in_chinese(demo):
    response = post(
        demo.client("centreadmin"),
        url(demo),
        {"code": "3", "name": "另一个窗口"},
        language="zh-hans",
    )

    assert response.status_code == 409
    assert "综合窗口 3" in response.json()["message"]
    assert "已有窗口 3" in response.json()["message"]


def test_unknown_department_is_rejected(demo):
    response = post(
        demo.client("centreadmin"),
        url(demo),
        {"code": "9", "name": "窗口 9", "kind": "department", "department": "mars"},
    )

    assert response.status_code == 404
    body = response.json()
    assert body["code"] == "window.department_not_found"
    assert body["details"]["department"] == "mars"
    assert "market_regulation" in body["details"]["departments"]
    assert "mars is not a department of" in body["message"]
    assert not Window.objects.filter(code="9").exists()


def test_department_window_needs_department(demo):
    response = post(
        demo.client("centreadmin"),
        url(demo),
        {"code": "9", "name": "窗口 9", "kind": "department"},
    )

    assert response.status_code == 400
    assert response.json()["code"] == "window.department_required"


def test_comprehensive_window_takes_no_department(demo):
    response = post(
        demo.client("centreadmin"),
        url(demo),
        {"code": "9", "name": "窗口 9", "department": "market_regulation"},
    )

    assert response.status_code == 400
    assert response.json()["code"] == "window.department_not_allowed"


@pytest.mark.parametrize(
    "code", ["", "3 4", "窗口", "x" * 21, "a/b", "a?b", "a#b", "a%20b", "3.1", ".."]
)
def test_invalid_code_is_rejected(demo, code):
    response = post(
        demo.client("centreadmin"), url(demo), {"code": code, "name": "窗口"}
    )

    assert response.status_code == 400
    assert response.json()["code"] == "window.code_invalid"
    assert not Window.objects.filter(centre=demo.centre, code=code).exists()


def test_invalid_code_message_names_rule(demo):
    response = post(
        demo.client("centreadmin"), url(demo), {"code": "3/4", "name": "窗口"}
    )

    body = response.json()
    assert body["details"] == {"window": "3/4", "max": 20}
    assert body["message"] == (
        "The window code 3/4 is invalid, because a code is part of the window's URL: "
        "use 1 to 20 Latin letters, digits, hyphens or underscores, with no spaces, "
        "such as 3 or A12."
    )


def test_unknown_kind_is_rejected(demo):
    response = post(
        demo.client("centreadmin"),
        url(demo),
        {"code": "9", "name": "窗口 9", "kind": "counter"},
    )

    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "window.kind_unknown"
    assert body["details"]["allowed"] == ["comprehensive", "department"]


def test_empty_name_is_rejected(demo):
    response = post(demo.client("centreadmin"), url(demo), {"code": "9", "name": " "})

    assert response.status_code == 400
    assert response.json()["code"] == "window.name_required"


def test_duplicate_name_is_rejected(demo):
    response = post(
        demo.client("centreadmin"), url(demo), {"code": "7", "name": "综合窗口 3"}
    )

    assert response.status_code == 409
    body = response.json()
    assert body["code"] == "window.name_taken"
    assert body["details"]["name"] == "综合窗口 3"
    assert body["details"]["window"] == "3"
    assert body["message"] == (
        f"{demo.centre.name} already has a window named 综合窗口 3, the window 3, so "
        "the name was not saved. Give each window its own name, so that clerks and "
        "applicants can tell them apart."
    )
    assert not Window.objects.filter(centre=demo.centre, code="7").exists()


def test_duplicate_name_message_in_chinese(demo):
    response = post(
        demo.client("centreadmin"),
        url(demo),
        {"code": "7", "name": "综合窗口 3"},
        language="zh-hans",
    )

    assert response.json()["message"] == (
        f"{demo.centre.name}已有名为综合窗口 3 的窗口（编号 3），此名称未保存。"
        "请为每个窗口使用不同的名称，以便窗口人员和申请人区分。"
    )


def test_name_of_deactivated_window_is_taken(demo):
    admin = demo.client("centreadmin")
    put(admin, url(demo, "4"), {"is_active": False})

    response = post(admin, url(demo), {"code": "7", "name": "综合窗口 4"})

    assert response.status_code == 409
    assert response.json()["details"]["window"] == "4"


def test_rename_to_taken_name_is_rejected(demo):
    response = put(demo.client("centreadmin"), url(demo, "2"), {"name": "综合窗口 3"})

    assert response.status_code == 409
    assert response.json()["code"] == "window.name_taken"
    assert response.json()["details"]["window"] == "3"
    assert Window.objects.get(centre=demo.centre, code="2").name == "综合窗口 2"
    assert not AuditEvent.objects.filter(verb="window.changed").exists()


def test_change_keeping_own_name_accepted(demo):
    response = put(
        demo.client("centreadmin"),
        url(demo, "6"),
        {
            "name": "综合窗口 6",
            "kind": "department",
            "department": "market_regulation",
        },
    )

    assert response.status_code == 200, response.content
    assert response.json()["name"] == "综合窗口 6"


def test_same_name_other_centre_accepted(demo, other_centre):
    platform = demo.client("platform")

    response = post(
        platform,
        f"/api/v1/centres/{other_centre.slug}/windows",
        {"code": "1", "name": "综合窗口 1"},
    )

    assert response.status_code == 201, response.content


def test_rename_keeps_recorded_labels(demo, issued_case):
    case = issued_case(window="3")

    response = put(demo.client("centreadmin"), url(demo, "3"), {"name": "综合窗口 三"})

    assert response.status_code == 200, response.content
    assert response.json()["name"] == "综合窗口 三"
    case.refresh_from_db()
    assert case.window == "综合窗口 3"
    assert case.window_record.name == "综合窗口 三"
    event = AuditEvent.objects.get(verb="window.changed")
    assert event.data["changed"] == {"name": ["综合窗口 3", "综合窗口 三"]}


def test_kind_change_to_department_window(demo):
    response = put(
        demo.client("centreadmin"),
        url(demo, "6"),
        {"kind": "department", "department": "market_regulation"},
    )

    assert response.status_code == 200, response.content
    assert response.json()["department"] == "market_regulation"

    back = put(demo.client("centreadmin"), url(demo, "6"), {"kind": "comprehensive"})

    assert back.status_code == 200, back.content
    assert back.json()["department"] is None


def test_deactivate_and_reactivate(demo):
    admin = demo.client("centreadmin")

    off = put(admin, url(demo, "4"), {"is_active": False})
    on = put(admin, url(demo, "4"), {"is_active": True})

    assert off.status_code == 200, off.content
    assert off.json()["is_active"] is False
    assert on.json()["is_active"] is True
    verbs = list(
        AuditEvent.objects.filter(object_type="window")
        .order_by("pk")
        .values_list("verb", flat=True)
    )
    assert verbs == ["window.deactivated", "window.reactivated"]


def test_unchanged_window_writes_no_event(demo):
    response = put(demo.client("centreadmin"), url(demo, "4"), {"is_active": True})

    assert response.status_code == 200
    assert not AuditEvent.objects.filter(object_type="window").exists()


def test_string_for_is_active_is_rejected(demo):
    response = put(demo.client("centreadmin"), url(demo, "4"), {"is_active": "false"})

    assert response.status_code in (400, 422)
    assert Window.objects.get(centre=demo.centre, code="4").is_active


def test_window_with_pad_stays_active(demo):
    _device, pad = paired_device(demo, window="5")

    response = put(demo.client("centreadmin"), url(demo, "5"), {"is_active": False})

    assert response.status_code == 409
    body = response.json()
    assert body["code"] == "window.has_rating_pad"
    assert body["details"] == {"window": "5", "pad": pad.pk}
    assert body["message"] == (
        f"The window 5 is bound to the rating pad {pad.pk}, so it stays active. Revoke "
        "the pad on the Rating pads page first, then deactivate the window."
    )
    assert Window.objects.get(centre=demo.centre, code="5").is_active


def test_window_with_revoked_pad_can_be_deactivated(demo):
    _device, pad = paired_device(demo, window="5")
    RatingPad.objects.filter(pk=pad.pk).update(revoked_at=pad.paired_at)

    response = put(demo.client("centreadmin"), url(demo, "5"), {"is_active": False})

    assert response.status_code == 200, response.content


def test_unknown_window_is_not_found(demo):
    response = put(demo.client("centreadmin"), url(demo, "99"), {"name": "x"})

    assert response.status_code == 404
    body = response.json()
    assert body["code"] == "window.not_found"
    assert body["details"] == {"window": "99", "centre": demo.centre.slug}
    assert body["message"] == (
        f"{demo.centre.name} has no window with the code 99. Reload the list of "
        "windows."
    )


def test_unknown_window_message_in_chinese(demo):
    response = put(
        demo.client("centreadmin"), url(demo, "99"), {"name": "x"}, "zh-hans"
    )

    assert response.status_code == 404
    assert response.json()["message"] == (
        f"{demo.centre.name}没有编号为 99 的窗口。请重新加载窗口列表。"
    )


@pytest.mark.parametrize("username", ["clerk", "supervisor", "reviewer"])
def test_other_roles_are_denied(demo, username):
    client = demo.client(username)

    listed = client.get(url(demo))
    added = post(client, url(demo), {"code": "9", "name": "窗口 9"})
    changed = put(client, url(demo, "3"), {"is_active": False})

    for response in (listed, added, changed):
        assert response.status_code == 403
        assert response.json()["code"] == "permission.role_required"
    assert not Window.objects.filter(code="9").exists()
    assert Window.objects.get(centre=demo.centre, code="3").is_active


def test_admin_of_other_centre_is_denied(demo, other_centre):
    user = get_user_model().objects.create_user("nanhai-admin", password=PASSWORD)
    Membership.objects.create(user=user, centre=other_centre, role=Role.CENTRE_ADMIN)
    client = demo.client("nanhai-admin")

    listed = client.get(url(demo))
    changed = put(client, url(demo, "3"), {"name": "x"})
    own = client.get(f"/api/v1/centres/{other_centre.slug}/windows")

    assert listed.status_code == 403
    assert changed.status_code == 403
    assert Window.objects.get(centre=demo.centre, code="3").name == "综合窗口 3"
    assert own.status_code == 200
    assert own.json() == []


def test_platform_admin_manages_any_centre(demo, other_centre):
    response = post(
        demo.client("platform"),
        f"/api/v1/centres/{other_centre.slug}/windows",
        {"code": "1", "name": "综合窗口 1"},
    )

    assert response.status_code == 201, response.content
    assert Window.objects.get(centre=other_centre, code="1").name == "综合窗口 1"
