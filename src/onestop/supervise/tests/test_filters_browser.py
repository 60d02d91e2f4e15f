"""The dashboard's filter form in headless Chromium at a phone's width."""

from __future__ import annotations

from onestop.portal.tests.test_browser import sign_in
from onestop.testing import BROWSER_TEST_MARKS

pytestmark = BROWSER_TEST_MARKS

PAGE_OVERFLOW_JS = (
    "document.documentElement.scrollWidth - document.documentElement.clientWidth"
)


def test_select_boxes_send_codes(browser, live_server, demo):
    page = sign_in(browser, live_server, "supervisor")
    page.goto(f"{live_server.url}/supervise/")
    page.select_option("select[name=department]", "market_regulation")
    page.select_option("select[name=matter]", "food-business-licence")

    with page.expect_navigation():
        page.click("#dashboard-filters button[type=submit]")

    assert "department=market_regulation" in page.url
    assert "matter=food-business-licence" in page.url
    assert page.input_value("select[name=department]") == "market_regulation"
    assert page.input_value("select[name=matter]") == "food-business-licence"
    assert page.evaluate(PAGE_OVERFLOW_JS) <= 0


def test_date_error_corrected_in_form(browser, live_server, demo):
    page = sign_in(browser, live_server, "supervisor")
    page.goto(f"{live_server.url}/supervise/?start=2026-02-30")

    error = page.locator("#dashboard-filters #filter-error")
    assert error.get_attribute("data-code") == "supervise.date_not_a_day"
    assert "2026-02-30" in error.inner_text()
    assert page.evaluate(PAGE_OVERFLOW_JS) <= 0

    page.fill("input[name=start]", "2026-02-28")
    with page.expect_navigation():
        page.click("#dashboard-filters button[type=submit]")

    assert "start=2026-02-28" in page.url
    assert page.locator("#filter-error").count() == 0
    assert page.locator("#provisional-count").count() == 1
