"""Button labels in headless Chromium at a phone's and a kiosk's size: a label that fits
on one line is never broken, so 申请办理 in the matter list never reads 申请办 / 理."""

from __future__ import annotations

import pytest

from onestop.testing import BROWSER_TEST_MARKS

pytestmark = BROWSER_TEST_MARKS

PHONE = {"width": 390, "height": 844}
KIOSK = {"width": 1080, "height": 1920}

# Lists each visible button whose label takes more than one line, as "label: N lines".
# A range over the label has one client rectangle per line of text.
BROKEN_LABELS_JS = """() => {
    const broken = [];
    for (const button of document.querySelectorAll("main :is(button, .button)")) {
        if (button.getClientRects().length === 0) continue;
        const range = document.createRange();
        range.selectNodeContents(button);
        const tops = new Set(
            [...range.getClientRects()].map((rect) => Math.round(rect.top))
        );
        if (tops.size > 1) {
            broken.push(button.textContent.trim() + ": " + tops.size + " lines");
        }
    }
    return broken;
}"""


@pytest.mark.parametrize(
    ("viewport", "path"),
    [
        (PHONE, "/portal/{slug}/matters/?q=食品经营"),
        (PHONE, "/portal/{slug}/matters/"),
        (KIOSK, "/kiosk/"),
        (KIOSK, "/kiosk/{slug}/matters/"),
    ],
)
def test_matter_list_keeps_apply_labels_whole(
    browser, live_server, demo, viewport, path
):
    page = browser.new_context(viewport=viewport, locale="zh-CN").new_page()
    page.set_default_timeout(15000)

    response = page.goto(live_server.url + path.format(slug=demo.centre.slug))

    assert response is not None
    assert response.status == 200
    assert page.locator("main .button", has_text="申请办理").count() > 0
    assert page.evaluate(BROKEN_LABELS_JS) == []
