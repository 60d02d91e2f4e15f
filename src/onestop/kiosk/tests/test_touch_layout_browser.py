"""Kiosk pages in headless Chromium at a portrait kiosk's size (1080 x 1920 CSS pixels).

Every control must be a touch target of at least 48 px each way, the label of a check box
or radio button must take the tap as well, and headings and text must be larger than on a
desktop.
"""

from __future__ import annotations

from onestop.cases.tests.test_certificate_results import BIRTH, issue_id_card
from onestop.portal.demo import PASSWORD
from onestop.testing import BROWSER_TEST_MARKS

pytestmark = BROWSER_TEST_MARKS

MIN_TARGET_PX = 48
MIN_HEADING_PX = 36
MIN_TEXT_PX = 24

# Lists each visible control smaller than the minimum as "tag text: width x height".
SMALL_TARGETS_JS = """(minimum) => {
    const controls = [
        "button", "a", "select", "textarea", "summary",
        "input:not([type=hidden])",
        "label:has(> input[type=checkbox])", "label:has(> input[type=radio])",
    ];
    const small = [];
    for (const element of document.querySelectorAll(controls.join(","))) {
        if (element.closest("footer")) continue;
        const box = element.getBoundingClientRect();
        if (box.width === 0 && box.height === 0) continue;
        if (box.width < minimum || box.height < minimum) {
            const name = (element.textContent || element.name || "").trim().slice(0, 30);
            const size = Math.round(box.width) + " x " + Math.round(box.height);
            small.push(element.tagName.toLowerCase() + " " + name + ": " + size);
        }
    }
    return small;
}"""

# The pixels by which the page is wider than the window. Above 0, the page scrolls sideways.
PAGE_OVERFLOW_JS = (
    "document.documentElement.scrollWidth - document.documentElement.clientWidth"
)


def font_px(page, selector):
    size = page.eval_on_selector(selector, "(e) => getComputedStyle(e).fontSize")
    return float(size.removesuffix("px"))


def kiosk_screen(browser, *, javascript=True):
    """Return a new page at a portrait kiosk's size, in Chinese."""
    page = browser.new_context(
        viewport={"width": 1080, "height": 1920},
        locale="zh-CN",
        java_script_enabled=javascript,
    ).new_page()
    page.set_default_timeout(15000)
    return page


def kiosk_page(browser, live_server, username, *, javascript=True):
    """Sign in on the kiosk's own sign-in page and return the page."""
    page = kiosk_screen(browser, javascript=javascript)
    page.goto(f"{live_server.url}/kiosk/login/?next=/kiosk/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(f"{live_server.url}/kiosk/**")
    return page


def test_kiosk_pages_have_touch_sized_controls(browser, live_server, demo):
    certificate = issue_id_card(demo)
    slug = demo.centre.slug
    page = kiosk_page(browser, live_server, "applicant")
    paths = [
        "/kiosk/login/",
        f"/kiosk/{slug}/matters/",
        f"/kiosk/{slug}/matters/{BIRTH}/",
        f"/kiosk/{slug}/matters/{BIRTH}/apply/",
        f"/kiosk/cases/{certificate.case_number}/",
    ]

    for path in paths:
        page.goto(f"{live_server.url}{path}")
        assert page.evaluate("document.body.classList.contains('kiosk')"), path
        assert page.evaluate(SMALL_TARGETS_JS, MIN_TARGET_PX) == [], path
        assert page.evaluate(PAGE_OVERFLOW_JS) <= 0, path
        assert font_px(page, "main h1") >= MIN_HEADING_PX, path
        assert font_px(page, "main") >= MIN_TEXT_PX, path
        assert font_px(page, "main :is(button, .button)") >= MIN_TEXT_PX, path


def test_check_boxes_large_and_labels_tappable(browser, live_server, demo):
    issue_id_card(demo)
    page = kiosk_page(browser, live_server, "applicant")
    page.goto(f"{live_server.url}/kiosk/{demo.centre.slug}/matters/{BIRTH}/apply/")
    consent = page.locator("input[name=certificate_consent]")
    # The first choice, ticked already, is not to use a certificate.
    offer = page.locator(
        "input[name='certificate.applicant_id_card']:not([value=''])"
    ).first

    for control in (consent, offer):
        box = control.bounding_box()
        assert box["width"] >= MIN_TARGET_PX
        assert box["height"] >= MIN_TARGET_PX

    # A tap on the words of the label, well clear of the box, ticks it.
    for control in (consent, offer):
        label = control.locator("xpath=ancestor::label[1]")
        label_box = label.bounding_box()
        label.click(
            position={"x": label_box["width"] - 10, "y": label_box["height"] / 2}
        )
        assert control.is_checked()
