"""The signed-in header in headless Chromium: one row on a 390 px phone with its links in
a menu that opens without JavaScript, and the links in a row on a 1440 px desk screen."""

from __future__ import annotations

import pytest

from onestop.portal.tests.test_browser import sign_in
from onestop.testing import BROWSER_TEST_MARKS

pytestmark = BROWSER_TEST_MARKS

PHONE = {"width": 390, "height": 844}
DESK = {"width": 1440, "height": 900}
# The height of one header row: a 44 px touch target with the header's padding.
ONE_ROW_PX = 70
MY_CASES = "header.top a[href='/portal/cases/']"


def signed_in_page(browser, live_server, viewport, *, javascript=True):
    return sign_in(
        browser, live_server, "applicant", viewport=viewport, javascript=javascript
    )


def header_height(page):
    return page.eval_on_selector("header.top", "(header) => header.offsetHeight")


@pytest.mark.parametrize("javascript", [True, False])
def test_phone_header_menu_opens(browser, live_server, demo, javascript):
    page = signed_in_page(browser, live_server, PHONE, javascript=javascript)

    closed_height = header_height(page)
    link_hidden = not page.locator(MY_CASES).is_visible()
    page.click("#site-menu > summary")

    assert closed_height <= ONE_ROW_PX
    assert link_hidden
    assert page.locator(MY_CASES).is_visible()
    assert page.locator("#sign-out button").is_visible()
    assert header_height(page) == closed_height
    page.click(MY_CASES)
    page.wait_for_url(f"{live_server.url}/portal/cases/")


def test_desk_header_shows_links(browser, live_server, demo):
    page = signed_in_page(browser, live_server, DESK)

    assert header_height(page) <= ONE_ROW_PX
    assert page.locator(MY_CASES).is_visible()
    assert page.locator("#sign-out button").is_visible()
    assert not page.locator("#site-menu > summary").is_visible()
