"""A staff account is rejected at a kiosk, which stays an applicants' kiosk: at sign-in,
and when a signed-in staff account opens a kiosk page."""

from __future__ import annotations

from onestop.kiosk.tests.test_touch_layout_browser import kiosk_screen
from onestop.portal.demo import PASSWORD
from onestop.testing import BROWSER_TEST_MARKS

pytestmark = BROWSER_TEST_MARKS


def submit_kiosk_sign_in(browser, live_server, username):
    """Fill in the kiosk's sign-in page, submit it and return the page."""
    page = kiosk_screen(browser)
    page.goto(f"{live_server.url}/kiosk/login/?next=/kiosk/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    return page


def test_staff_sign_in_at_kiosk_rejected(browser, live_server, demo):
    page = submit_kiosk_sign_in(browser, live_server, "clerk")
    alert = page.locator("[data-code='auth.staff_at_kiosk']")
    alert.wait_for()

    assert "工作人员账号 clerk 不能在此登录" in alert.inner_text()
    assert page.evaluate("document.body.classList.contains('kiosk')")
    assert page.locator("#sign-out").count() == 0
    page.goto(f"{live_server.url}/window/")
    assert "/login/" in page.url


def test_applicant_sign_in_at_kiosk_allowed(browser, live_server, demo):
    page = submit_kiosk_sign_in(browser, live_server, "applicant")
    page.wait_for_url(f"{live_server.url}/kiosk/**")

    assert page.locator("#sign-out").count() == 1
    assert page.locator("[data-code='auth.staff_at_kiosk']").count() == 0


def test_signed_in_staff_signs_out_at_kiosk(browser, live_server, demo):
    page = kiosk_screen(browser)
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("input[name=username]", "clerk")
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(lambda url: "/login/" not in url)

    page.goto(f"{live_server.url}/kiosk/")
    alert = page.locator("[data-code='auth.staff_session_at_kiosk']")
    alert.wait_for()

    assert "工作人员账号 clerk 不能在此使用" in alert.inner_text()
    assert not page.evaluate("document.body.classList.contains('kiosk')")
    page.click("#kiosk-sign-out")
    page.wait_for_url(f"{live_server.url}/kiosk/**")
    page.locator("body.kiosk").wait_for()
    assert page.locator("#sign-out").count() == 0
    assert page.locator("[data-code='auth.staff_session_at_kiosk']").count() == 0
