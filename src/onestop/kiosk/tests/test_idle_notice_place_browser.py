"""The kiosk's idle notice covers no control of a long form at a kiosk's size."""

from __future__ import annotations

from onestop.kiosk.tests.test_touch_layout_browser import kiosk_page
from onestop.testing import BROWSER_TEST_MARKS

pytestmark = BROWSER_TEST_MARKS

# With 6 seconds, the notice shows after 4 and the kiosk starts again after 6.
IDLE_SECONDS = 6
# A matter whose form, with its list of materials, is longer than a kiosk's screen.
LONG_FORM_MATTER = "vat-invoice-on-behalf"

# Lists each visible control that the idle notice's box overlaps, as "tag name".
COVERED_CONTROLS_JS = """() => {
    const notice = document.getElementById("kiosk-idle-notice").getBoundingClientRect();
    const controls = "button, a, select, textarea, summary, input:not([type=hidden])";
    const covered = [];
    for (const element of document.querySelectorAll(controls)) {
        const box = element.getBoundingClientRect();
        if (box.width === 0 && box.height === 0) continue;
        const overlaps = box.left < notice.right && notice.left < box.right
            && box.top < notice.bottom && notice.top < box.bottom;
        if (overlaps) {
            const name = (element.textContent || element.name || "").trim().slice(0, 30);
            covered.push(element.tagName.toLowerCase() + " " + name);
        }
    }
    return covered;
}"""


def test_notice_covers_no_control(browser, live_server, demo, settings):
    settings.ONESTOP_KIOSK_IDLE_SECONDS = IDLE_SECONDS
    page = kiosk_page(browser, live_server, "applicant")
    page.goto(
        f"{live_server.url}/kiosk/{demo.centre.slug}/matters/{LONG_FORM_MATTER}/apply/"
    )
    page_height = page.evaluate("document.documentElement.scrollHeight")

    page.wait_for_selector("#kiosk-idle-notice", timeout=10000)
    notice = page.locator("#kiosk-idle-notice").bounding_box()

    assert page_height > 1920, "the form must be longer than the screen"
    assert notice["y"] == 0
    assert notice["height"] > 0
    assert page.evaluate(COVERED_CONTROLS_JS) == []


def test_notice_stays_visible_when_scrolled(browser, live_server, demo, settings):
    settings.ONESTOP_KIOSK_IDLE_SECONDS = IDLE_SECONDS
    page = kiosk_page(browser, live_server, "applicant")
    page.goto(
        f"{live_server.url}/kiosk/{demo.centre.slug}/matters/{LONG_FORM_MATTER}/apply/"
    )
    page.evaluate("window.scrollTo(0, document.documentElement.scrollHeight)")
    submit = page.locator("main form button[type=submit]").last
    before = submit.bounding_box()

    page.wait_for_selector("#kiosk-idle-notice", timeout=10000)
    notice = page.locator("#kiosk-idle-notice").bounding_box()
    after = submit.bounding_box()

    assert notice["y"] == 0
    assert after["y"] >= notice["height"]
    assert after["y"] + after["height"] <= 1920, "the submit button left the screen"
    assert after["y"] == before["y"] + notice["height"]
    assert "秒后本机将退出登录" in page.inner_text("#kiosk-idle-notice")
