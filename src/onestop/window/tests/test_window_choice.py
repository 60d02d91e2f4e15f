"""The clerk's last window: stored per clerk and centre, preselected by pages and
used by API requests that leave the window out, unless deactivated or deleted since."""

from __future__ import annotations

import pytest

from onestop.cases.models import Case
from onestop.cases.tests.test_idempotency import window_json
from onestop.cases.tests.test_receipts import apply_online
from onestop.core.models import Window, WindowChoice
from onestop.ratings.models import Visit

pytestmark = pytest.mark.django_db


def post_case(client, window=None, language="en"):
    """Accept a walk-in by the API, sending `window` only when it is not None."""
    data = window_json(client.demo)
    del data["window"]
    if window is not None:
        data["window"] = window
    return client.post(
        "/api/v1/cases/window",
        data,
        content_type="application/json",
        headers={"Accept-Language": language},
    )


def clerk(demo):
    """Return a new signed-in client of the demo clerk, as after a new sign-in."""
    client = demo.client("clerk")
    client.demo = demo
    return client


def test_choice_outlives_the_session(demo):
    clerk(demo).post("/window/", {"window": "4"})

    page = clerk(demo).get("/window/").content.decode()

    choice = WindowChoice.objects.get(centre=demo.centre)
    assert choice.user == demo.user("clerk")
    assert choice.window.code == "4"
    assert '<option value="4" selected>' in page
    assert 'id="window-notice"' not in page


def test_api_without_window_uses_last_window(demo):
    client = clerk(demo)
    client.post("/window/", {"window": "4"})

    response = post_case(client)

    assert response.status_code == 201, response.content
    case = Case.objects.get(number=response.json()["number"])
    assert case.window_record.code == "4"
    assert case.window == "综合窗口 4"


def test_api_without_window_or_choice_records_none(demo):
    response = post_case(clerk(demo))

    assert response.status_code == 201, response.content
    assert Case.objects.get().window_record is None


def test_api_window_becomes_last_window(demo):
    response = post_case(clerk(demo), window="5")

    assert response.status_code == 201, response.content
    assert WindowChoice.objects.get(centre=demo.centre).code == "5"
    page = clerk(demo).get("/window/").content.decode()
    assert '<option value="5" selected>' in page


def test_empty_window_forgets_last_window(demo):
    client = clerk(demo)
    client.post("/window/", {"window": "4"})

    response = post_case(client, window="")

    assert response.status_code == 201, response.content
    assert Case.objects.get().window_record is None
    assert not WindowChoice.objects.exists()


def test_accept_endpoint_uses_last_window(demo):
    number = apply_online(demo)
    client = clerk(demo)
    client.post("/window/", {"window": "3"})

    response = client.post(
        f"/api/v1/cases/{number}/accept", {}, content_type="application/json"
    )

    assert response.status_code == 200, response.content
    assert Case.objects.get(number=number).window_record.code == "3"


def test_visit_uses_last_window(demo):
    client = clerk(demo)
    number = post_case(client, window="2").json()["number"]

    response = client.post(
        "/api/v1/ratings/visits", {"case": number}, content_type="application/json"
    )

    assert response.status_code == 201, response.content
    assert Visit.objects.get().window_record.code == "2"


def test_deactivated_window_is_not_preselected(demo):
    client = clerk(demo)
    client.post("/window/", {"window": "6"})
    Window.objects.filter(centre=demo.centre, code="6").update(is_active=False)

    page = clerk(demo).get("/window/", headers={"Accept-Language": "en"})
    text = page.content.decode()

    assert page.status_code == 200
    assert '<option value="6"' not in text
    for code in ["1", "2", "3", "4", "5"]:
        assert f'<option value="{code}" selected>' not in text
    assert 'data-code="window.last_deactivated"' in text
    assert (
        "The window you chose last, “综合窗口 6”, has been deactivated since, so no "
        "window is preselected."
    ) in text


def test_api_rejects_deactivated_last_window(demo):
    client = clerk(demo)
    client.post("/window/", {"window": "6"})
    Window.objects.filter(centre=demo.centre, code="6").update(is_active=False)

    response = post_case(client)

    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "window.last_deactivated"
    assert body["details"]["window"] == "6"
    assert body["details"]["active"] == ["1", "2", "3", "4", "5"]
    assert body["message"] == (
        "No window was given, and the window you chose last, “综合窗口 6”, has been "
        "deactivated since, so nothing was recorded. Send window with the code of an "
        f"active window of {demo.centre.name} (1, 2, 3, 4, 5), or an empty code for "
        "none."
    )
    assert not Case.objects.exists()


def test_api_rejects_deleted_last_window_in_chinese(demo):
    spare = Window.objects.create(centre=demo.centre, code="9", name="临时窗口")
    client = clerk(demo)
    client.post("/window/", {"window": "9"})
    spare.delete()

    response = post_case(client, language="zh-hans")
    page = client.get("/window/", headers={"Accept-Language": "zh-hans"})

    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "window.last_deleted"
    assert body["details"]["window"] == "9"
    assert "窗口“临时窗口”（9）已删除" in body["message"]
    assert "已删除" in body["message"]
    assert not Case.objects.exists()
    assert 'data-code="window.last_deleted"' in page.content.decode()


def test_explicit_window_overrides_deactivated_one(demo):
    client = clerk(demo)
    client.post("/window/", {"window": "6"})
    Window.objects.filter(centre=demo.centre, code="6").update(is_active=False)

    response = post_case(client, window="1")

    assert response.status_code == 201, response.content
    assert WindowChoice.objects.get().code == "1"
