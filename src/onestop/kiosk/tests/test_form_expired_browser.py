"""On a kiosk's screen, a form sent with an out-of-date CSRF token gets the out-of-date
page in the kiosk's layout, and its link back finds the typed values filled in again."""

from __future__ import annotations

from onestop.kiosk.tests.test_touch_layout_browser import kiosk_page
from onestop.portal.tests.test_keep_form_sign_in_browser import (
    EMPLOYER,
    UNEMPLOYMENT,
    fill_application,
)
from onestop.testing import BROWSER_TEST_MARKS

pytestmark = BROWSER_TEST_MARKS

# The minimum height of a kiosk's touch target, as onestop.css sets it.
TOUCH_TARGET_PX = 64


def replace_csrf_cookie(page, live_server):
    """Give the browser a new CSRF cookie, so that the token in the open form is out
    of date, as after signing in again in another tab."""
    page.context.add_cookies(
        [{"name": "csrftoken", "value": "x" * 32, "url": live_server.url}]
    )


def test_kiosk_stale_form_keeps_values(browser, live_server, demo, tmp_path):
    path = f"/kiosk/{demo.centre.slug}/matters/{UNEMPLOYMENT}/apply/"
    page = kiosk_page(browser, live_server, "applicant")
    page.goto(f"{live_server.url}{path}")
    fill_application(page, demo, tmp_path)
    replace_csrf_cookie(page, live_server)

    page.click("#submit-application")
    page.locator("#form-expired .files-to-choose-again").wait_for()

    assert "此页面已过期" in page.inner_text("main h1")
    assert "kiosk" in page.get_attribute("body", "class")
    assert page.locator("#back-to-form").bounding_box()["height"] >= TOUCH_TARGET_PX
    page.click("#back-to-form")
    page.locator("#kept-values-restored").wait_for()
    assert page.url == f"{live_server.url}{path}"
    assert page.input_value("[name='field.former_employer']") == EMPLOYER
    assert "已填回您在页面过期前填写的内容" in page.inner_text("#kept-values-restored")
