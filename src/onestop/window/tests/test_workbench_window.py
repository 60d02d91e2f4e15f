"""The clerk's window: chosen on the workbench, remembered for the session, and
recorded with its name by acceptances and visits."""

from __future__ import annotations

import pytest

from onestop.cases.models import Case
from onestop.cases.tests.test_idempotency import window_json
from onestop.cases.tests.test_receipts import apply_online
from onestop.core.models import Window
from onestop.core.windows import SESSION_KEY
from onestop.ratings.models import Visit

pytestmark = pytest.mark.django_db


def post_window(demo, window, language="en"):
    return demo.client("clerk").post(
        "/api/v1/cases/window",
        {**window_json(demo), "window": window},
        content_type="application/json",
        headers={"Accept-Language": language},
    )


def test_workbench_offers_active_windows(demo):
    Window.objects.filter(centre=demo.centre, code="6").update(is_active=False)

    text = demo.client("clerk").get("/window/").content.decode()

    assert '<option value="1">综合窗口 1</option>' in text
    assert '<option value="6">' not in text


def test_chosen_window_is_remembered_and_shown(demo):
    clerk = demo.client("clerk")

    response = clerk.post("/window/", {"window": "4"})
    page = clerk.get("/window/").content.decode()

    assert response.status_code == 302
    assert clerk.session[SESSION_KEY]["code"] == "4"
    assert '<span class="muted" id="clerk-window"' in page
    assert 'title="Your window, until you choose another one">综合窗口 4</span>' in page
    assert '<option value="4" selected>' in page


def test_choosing_no_window_forgets_it(demo):
    clerk = demo.client("clerk")
    clerk.post("/window/", {"window": "4"})

    clerk.post("/window/", {"window": ""})

    assert SESSION_KEY not in clerk.session
    assert 'id="clerk-window"' not in clerk.get("/window/").content.decode()


def test_choosing_unknown_window_shows_error(demo):
    clerk = demo.client("clerk")

    response = clerk.post("/window/", {"window": "99"})

    assert response.status_code == 400
    assert 'data-code="window.unknown"' in response.content.decode()
    assert SESSION_KEY not in clerk.session


def test_case_page_accepts_at_chosen_window(demo):
    number = apply_online(demo)
    case = Case.objects.get(number=number)
    clerk = demo.client("clerk")
    clerk.post("/window/", {"window": "2"})
    ticks = {
        f"check.{m['key']}.original_seen": "on"
        for m in case.matter_version.guide.materials
    }

    form = clerk.get(f"/window/cases/{number}/").content.decode()
    response = clerk.post(
        f"/window/cases/{number}/", {"action": "accept", "window": "2", **ticks}
    )

    assert '<option value="2" selected>' in form
    assert response.status_code == 302, response.content
    case.refresh_from_db()
    assert case.window == "综合窗口 2"
    assert case.window_record == Window.objects.get(centre=demo.centre, code="2")


def test_api_records_window_and_label(demo):
    response = post_window(demo, "3")

    assert response.status_code == 201, response.content
    case = Case.objects.get(number=response.json()["number"])
    assert case.window == "综合窗口 3"
    assert case.window_record.code == "3"


def test_api_accepts_without_window(demo):
    response = post_window(demo, "")

    assert response.status_code == 201, response.content
    case = Case.objects.get(number=response.json()["number"])
    assert case.window == ""
    assert case.window_record is None


def test_unknown_window_code_lists_active_codes(demo):
    Window.objects.filter(centre=demo.centre, code="6").update(is_active=False)

    response = post_window(demo, "综合窗口 9")

    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "window.unknown"
    assert body["details"]["window"] == "综合窗口 9"
    assert body["details"]["active"] == ["1", "2", "3", "4", "5"]
    assert body["message"] == (
        f"{demo.centre.name} has no window with the code 综合窗口 9. Choose one of its "
        "active windows: 1, 2, 3, 4, 5."
    )
    assert not Case.objects.exists()


def test_inactive_window_code_is_rejected(demo):
    Window.objects.filter(centre=demo.centre, code="6").update(is_active=False)

    response = post_window(demo, "6", language="zh-hans")

    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "window.inactive"
    assert body["details"]["window"] == "6"
    assert "6" not in body["details"]["active"]
    assert "已停用" in body["message"]
    assert not Case.objects.exists()


def test_accept_endpoint_takes_window_code(demo):
    number = apply_online(demo)

    response = demo.client("clerk").post(
        f"/api/v1/cases/{number}/accept",
        {"window": "5"},
        content_type="application/json",
    )

    assert response.status_code == 200, response.content
    case = Case.objects.get(number=number)
    assert case.window_record.code == "5"
    assert case.window == "综合窗口 5"


def test_visit_records_window(demo):
    number = post_window(demo, "3").json()["number"]

    response = demo.client("clerk").post(
        "/api/v1/ratings/visits",
        {"case": number, "window": "1"},
        content_type="application/json",
    )

    assert response.status_code == 201, response.content
    visit = Visit.objects.get()
    assert visit.window == "综合窗口 1"
    assert visit.window_record.code == "1"


def test_visit_page_preselects_chosen_window(demo):
    clerk = demo.client("clerk")
    clerk.post("/window/", {"window": "3"})

    text = clerk.get("/ratings/visits/new/").content.decode()

    assert '<option value="3" selected>' in text


def test_window_of_other_centre_is_unknown(demo, other_centre):
    Window.objects.create(centre=other_centre, code="8", name="南海综合窗口 8")

    response = post_window(demo, "8")

    assert response.status_code == 400
    assert response.json()["code"] == "window.unknown"
