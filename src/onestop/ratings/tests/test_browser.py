"""The rating screen, the rating pad and the statistics chart in headless Chromium."""

from __future__ import annotations

import os
from pathlib import Path

from onestop.identity.models import Person
from onestop.kiosk.tests.test_touch_layout_browser import (
    PAGE_OVERFLOW_JS,
    SMALL_TARGETS_JS,
)
from onestop.portal.demo import PASSWORD
from onestop.portal.tests.test_browser import sign_in
from onestop.ratings.actions import issue_rating_link, rate_case, record_visit
from onestop.ratings.models import Rating, RatingChannel
from onestop.testing import BROWSER_TEST_MARKS

SCREENSHOTS = os.environ.get("ONESTOP_SCREENSHOTS", "")
pytestmark = BROWSER_TEST_MARKS


def snapshot(page, name):
    if SCREENSHOTS:
        page.screenshot(path=str(Path(SCREENSHOTS) / f"{name}.png"), full_page=True)


def test_tablet_screen_records_tap(browser, live_server, demo):
    visit = record_visit(
        actor=demo.user("clerk"),
        centre=demo.centre,
        person=Person.objects.get(user__username="applicant"),
        window="4",
    )
    link = issue_rating_link(
        actor=demo.user("clerk"), channel=RatingChannel.WINDOW_SCREEN, visit=visit
    )
    page = browser.new_context(
        viewport={"width": 1024, "height": 768}, locale="zh-CN"
    ).new_page()
    page.set_default_timeout(15000)
    page.goto(f"{live_server.url}/ratings/screen/{link.token}/")
    page.click("text=非常满意")
    page.click("text=服务态度")
    snapshot(page, "rating-screen")
    page.click("button[type=submit]")
    page.wait_for_selector("#rating-done")
    rating = Rating.objects.get(visit=visit)
    assert rating.level == 5
    assert rating.tags == ["service_attitude"]


def test_statistics_chart_draws(browser, live_server, demo, issued_case):
    rate_case(actor=demo.user("applicant"), case=issued_case(), level=2)
    page = browser.new_context(
        viewport={"width": 1280, "height": 900}, locale="zh-CN"
    ).new_page()
    page.set_default_timeout(15000)
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("input[name=username]", "supervisor")
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_load_state()
    page.goto(f"{live_server.url}/ratings/stats/?dimension=department")
    page.wait_for_selector("#rating-chart svg")
    snapshot(page, "rating-stats")
    assert "100.0" in page.inner_text("table.rating-figures")


def test_pad_paired_and_rated(browser, live_server, demo):
    pad = browser.new_context(
        viewport={"width": 1024, "height": 768}, locale="zh-CN"
    ).new_page()
    pad.set_default_timeout(15000)
    pad.goto(f"{live_server.url}/ratings/pad/")
    code = pad.inner_text("#pairing-code")
    snapshot(pad, "rating-pad-pairing")

    clerk = sign_in(browser, live_server, "clerk", {"width": 1280, "height": 900})
    clerk.goto(f"{live_server.url}/ratings/pads/")
    clerk.fill("input[name=code]", code)
    clerk.select_option("select[name=window]", "6")
    clerk.click("main button[type=submit]")
    clerk.wait_for_selector(".messages")
    snapshot(clerk, "rating-pads-staff")
    # The pad reloads itself once paired and waits for a visit at window 6.
    pad.wait_for_selector("#pad-idle")
    assert "请评价 / Please rate" in pad.inner_text("#pad-idle")
    snapshot(pad, "rating-pad-idle")

    clerk.goto(f"{live_server.url}/ratings/visits/new/")
    clerk.fill("input[name=id_number]", "440604198503150024")
    clerk.select_option("select[name=window]", "6")
    clerk.click("main button[type=submit]")
    clerk.wait_for_selector("#visit-pad")
    snapshot(clerk, "rating-pad-visit-page")
    assert clerk.locator("main a[href*='/ratings/screen/']").count() == 0
    assert clerk.locator("main svg").count() == 0

    pad.wait_for_selector(".pad-form")
    assert pad.locator(".pad-qr svg").count() == 1
    assert pad.evaluate(SMALL_TARGETS_JS, 48) == []
    pad.set_viewport_size({"width": 390, "height": 844})
    assert pad.evaluate(SMALL_TARGETS_JS, 48) == []
    assert pad.evaluate(PAGE_OVERFLOW_JS) <= 0
    pad.set_viewport_size({"width": 1024, "height": 768})
    pad.click("text=非常满意")
    pad.click("text=服务效率")
    snapshot(pad, "rating-pad-form")
    pad.click(".pad-form button[type=submit]")
    pad.wait_for_selector("#pad-thanks")
    pad.wait_for_selector("#pad-idle")

    rating = Rating.objects.get(visit__window_record__code="6")
    assert rating.level == 5
    assert rating.tags == ["service_efficiency"]
    assert rating.channel == RatingChannel.WINDOW_SCREEN


def test_rated_elsewhere_page_fits_phone_and_kiosk(
    browser, live_server, demo, issued_case
):
    case = issued_case()
    rate_case(actor=demo.user("applicant"), case=case, level=4)
    link = issue_rating_link(
        actor=demo.user("clerk"), channel=RatingChannel.QR_CODE, case=case
    )
    overflow = (
        "document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )

    for width, height in ((390, 844), (1080, 1920)):
        page = browser.new_context(
            viewport={"width": width, "height": height}, locale="zh-CN"
        ).new_page()
        page.set_default_timeout(15000)
        if width == 1080:
            page.goto(f"{live_server.url}/kiosk/")
        page.goto(f"{live_server.url}/r/{link.token}")

        assert page.locator("#rated-elsewhere").is_visible(), width
        assert page.locator("main form").count() == 0, width
        assert page.evaluate(overflow) <= 0, width
        kiosk = page.evaluate("document.body.classList.contains('kiosk')")
        assert kiosk == (width == 1080)
