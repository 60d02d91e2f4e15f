"""A kiosk left untouched signs its applicant out and starts again."""

from __future__ import annotations

from onestop.kiosk.tests.test_touch_layout_browser import kiosk_page
from onestop.testing import BROWSER_TEST_MARKS

pytestmark = BROWSER_TEST_MARKS

# With 6 seconds, the notice shows after 4 and the kiosk starts again after 6.
IDLE_SECONDS = 6


KEPT_FORMS_JS = (
    "() => Object.keys(sessionStorage).filter((key) => key.startsWith('onestop.form:'))"
)


def signed_in(page) -> bool:
    return page.locator("#sign-out").count() == 1


def test_idle_kiosk_signs_out(browser, live_server, demo, settings):
    settings.ONESTOP_KIOSK_IDLE_SECONDS = IDLE_SECONDS
    page = kiosk_page(browser, live_server, "applicant")
    page.evaluate("() => sessionStorage.setItem('onestop.form:/x', '[]')")
    assert signed_in(page)

    page.wait_for_selector("#kiosk-idle-notice", timeout=10000)
    assert "秒后本机将退出登录" in page.inner_text("#kiosk-idle-notice")
    page.wait_for_selector("header.top a[href='/kiosk/login/']", timeout=10000)

    assert "/kiosk/" in page.url
    assert not signed_in(page)
    assert page.evaluate(KEPT_FORMS_JS) == []


def test_touch_keeps_kiosk_session(browser, live_server, demo, settings):
    settings.ONESTOP_KIOSK_IDLE_SECONDS = IDLE_SECONDS
    page = kiosk_page(browser, live_server, "applicant")

    page.wait_for_selector("#kiosk-idle-notice", timeout=10000)
    page.mouse.click(5, 400)
    page.wait_for_timeout(3000)

    assert page.locator("#kiosk-idle-notice").count() == 0
    assert signed_in(page)
