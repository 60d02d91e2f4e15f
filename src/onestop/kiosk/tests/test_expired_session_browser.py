"""A kiosk whose session ended, with JavaScript off, signs in again on its own page."""

from __future__ import annotations

from onestop.kiosk.tests.test_touch_layout_browser import kiosk_page
from onestop.portal.demo import PASSWORD
from onestop.testing import BROWSER_TEST_MARKS

pytestmark = BROWSER_TEST_MARKS

IS_KIOSK_LAYOUT_JS = "document.body.classList.contains('kiosk')"


def test_expired_session_signs_in_at_kiosk(browser, live_server, demo):
    # Without JavaScript, no idle timer signs the kiosk out, so its page stays on
    # screen after the session ended.
    page = kiosk_page(browser, live_server, "applicant", javascript=False)
    page.goto(f"{live_server.url}/portal/cases/")
    assert page.evaluate(IS_KIOSK_LAYOUT_JS)
    # The browser drops the session cookie once its ONESTOP_KIOSK_IDLE_SECONDS pass.
    page.context.clear_cookies(name="sessionid")

    page.click("header.top a[href='/portal/notifications/']")
    page.wait_for_load_state()

    assert page.url == f"{live_server.url}/kiosk/login/?next=/portal/notifications/"
    assert page.evaluate(IS_KIOSK_LAYOUT_JS)
    page.fill("input[name=username]", "applicant")
    page.fill("input[name=password]", PASSWORD)
    page.click("main button[type=submit]")
    page.wait_for_url(f"{live_server.url}/portal/notifications/")
    assert page.evaluate(IS_KIOSK_LAYOUT_JS)
