"""Every link of the kiosk's header, and the pages it leads to, keep the touch layout."""

from __future__ import annotations

from onestop.cases.tests.test_certificate_results import issue_id_card
from onestop.kiosk.tests.test_touch_layout_browser import (
    MIN_TARGET_PX,
    PAGE_OVERFLOW_JS,
    SMALL_TARGETS_JS,
    kiosk_page,
    kiosk_screen,
)
from onestop.testing import BROWSER_TEST_MARKS

pytestmark = BROWSER_TEST_MARKS

HEADER_LINKS_JS = (
    "() => [...document.querySelectorAll('header.top a')].map((a) => a.href)"
)


def assert_kiosk_layout(page, where):
    assert page.evaluate("document.body.classList.contains('kiosk')"), where
    assert page.evaluate(SMALL_TARGETS_JS, MIN_TARGET_PX) == [], where
    assert page.evaluate(PAGE_OVERFLOW_JS) <= 0, where


def test_signed_in_header_links_stay_in_kiosk(browser, live_server, demo):
    issue_id_card(demo)
    page = kiosk_page(browser, live_server, "applicant")
    links = page.evaluate(HEADER_LINKS_JS)

    assert len(links) >= 5
    for link in links:
        page.goto(link)
        assert_kiosk_layout(page, link)


def test_case_link_of_my_cases_stays_in_kiosk(browser, live_server, demo):
    certificate = issue_id_card(demo)
    page = kiosk_page(browser, live_server, "applicant")
    page.goto(f"{live_server.url}/portal/cases/")

    page.click(f"text={certificate.case_number}")
    page.wait_for_load_state()

    assert "/kiosk/cases/" in page.url
    assert_kiosk_layout(page, page.url)


def test_language_switch_stays_in_kiosk(browser, live_server, demo):
    page = kiosk_page(browser, live_server, "applicant")
    page.goto(f"{live_server.url}/portal/cases/")

    with page.expect_navigation():
        page.click("#language-switch button")

    assert page.locator("html").get_attribute("lang") == "en"
    assert_kiosk_layout(page, page.url)


def test_sign_out_returns_to_kiosk(browser, live_server, demo):
    page = kiosk_page(browser, live_server, "applicant")

    with page.expect_navigation():
        page.click("header.top form[action='/accounts/logout/'] button")
    page.wait_for_load_state()

    assert "/kiosk/" in page.url
    assert_kiosk_layout(page, page.url)
    for link in page.evaluate(HEADER_LINKS_JS):
        page.goto(link)
        assert_kiosk_layout(page, link)


def test_registration_from_kiosk_returns_to_kiosk(browser, live_server, demo):
    page = kiosk_screen(browser)
    page.goto(f"{live_server.url}/kiosk/")
    page.click("header.top a[href^='/accounts/register/']")
    page.wait_for_load_state()
    assert_kiosk_layout(page, page.url)
    page.fill("input[name=username]", "kiosk-walker")
    page.fill("input[name=password]", "a-long-passphrase-1")
    page.fill("input[name=name]", "赵六")
    page.fill("input[name=id_number]", "11010519491231002X")
    page.fill("input[name=phone]", "13800138001")

    with page.expect_navigation():
        page.click("main button[type=submit]")
    page.wait_for_load_state()

    assert "/kiosk/" in page.url
    assert_kiosk_layout(page, page.url)
