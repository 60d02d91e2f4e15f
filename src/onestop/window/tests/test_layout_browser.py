"""Layout of the window's pages in headless Chromium: the material checklist after a file
error, the list of online submissions on a phone, the header's contrast and fonts, and
the banner after an acceptance, which follows the acceptance receipt."""

from __future__ import annotations

import pytest

from onestop.cases.tests.test_receipts import apply_online
from onestop.catalog.models import Matter
from onestop.core import outbox
from onestop.portal.tests.test_browser import sign_in
from onestop.testing import BROWSER_TEST_MARKS, PNG_BYTES, current_version

pytestmark = BROWSER_TEST_MARKS

FOOD = "food-business-licence"
APPLICANT_ID = "440604198503150024"
DESK = {"width": 1366, "height": 768}
KIOSK_SCREEN = {"width": 1080, "height": 1920}
PHONE = {"width": 390, "height": 844}
# WCAG 2.2 success criterion 1.4.3 (level AA): normal text needs 4.5:1.
MIN_CONTRAST = 4.5
# The narrowest column of a list on a phone, in characters of its font.
MIN_COLUMN_CHARACTERS = 4

# The checklist's card, its .table-wrap container and table, and per header cell its text
# and the number of lines that text takes.
CHECKLIST_JS = """() => {
    const table = document.querySelector("table.checklist");
    const wrap = table.closest(".table-wrap");
    const card = table.closest(".card, form");
    const lines = (element) => {
        const range = document.createRange();
        range.selectNodeContents(element);
        const tops = new Set([...range.getClientRects()].map((r) => Math.round(r.top)));
        return tops.size;
    };
    return {
        cardWidth: card.clientWidth,
        wrapWidth: wrap.clientWidth,
        wrapScrollWidth: wrap.scrollWidth,
        tableWidth: Math.round(table.getBoundingClientRect().width),
        headers: [...table.querySelectorAll("thead th")].map((th) => ({
            text: th.innerText.trim(),
            lines: lines(th),
        })),
        errors: [...table.querySelectorAll(".field-error")].map((e) => e.innerText),
    };
}"""

# The width of each cell of a table, and the font size of the cell.
CELL_WIDTHS_JS = """(selector) => [...document.querySelectorAll(selector + " td, "
    + selector + " th")].filter((cell) => cell.colSpan === 1).map((cell) => ({
        text: cell.innerText.trim().slice(0, 20),
        width: cell.getBoundingClientRect().width,
        fontSize: parseFloat(getComputedStyle(cell).fontSize),
    }))"""

# Every visible text in the header, with the contrast of its colour against the first
# opaque background of it or an element around it (WCAG 2.2 relative luminance).
HEADER_CONTRAST_JS = """() => {
    const parse = (colour) => colour.match(/[\\d.]+/g).map(Number);
    const channel = (value) => {
        const c = value / 255;
        return c <= 0.04045 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
    };
    const luminance = ([r, g, b]) =>
        0.2126 * channel(r) + 0.7152 * channel(g) + 0.0722 * channel(b);
    const background = (element) => {
        for (let e = element; e; e = e.parentElement) {
            const parts = parse(getComputedStyle(e).backgroundColor);
            if (parts.length < 4 || parts[3] > 0) return parts;
        }
        return [255, 255, 255];
    };
    const found = [];
    const walker = document.createTreeWalker(
        document.querySelector("header.top"), NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
        const element = node.parentElement;
        if (!node.textContent.trim() || !element.checkVisibility()) continue;
        const fore = luminance(parse(getComputedStyle(element).color));
        const back = luminance(background(element));
        const contrast = (Math.max(fore, back) + 0.05) / (Math.min(fore, back) + 0.05);
        found.push({text: node.textContent.trim(), contrast: contrast});
    }
    return found;
}"""


def walk_in_with_file_error(browser, live_server, viewport, tmp_path):
    """Open the walk-in checklist, attach PNG bytes named .pdf to the first material
    and send the form, and return the page that shows the upload error."""
    disguised = tmp_path / "disguised.pdf"
    disguised.write_bytes(PNG_BYTES)
    material = current_version(Matter.objects.get(pack_id=FOOD)).guide.materials[0]
    page = sign_in(browser, live_server, "clerk", viewport=viewport, locale="zh-CN")
    page.goto(f"{live_server.url}/window/new/{FOOD}/")
    page.fill("input[name=id_number]", APPLICANT_ID)
    page.click("#identify-form [type=submit]")
    page.wait_for_load_state()
    page.set_input_files(f"input[name='material.{material['key']}']", str(disguised))
    # Without the browser's own checks, the server reports the file and the form.
    page.evaluate(
        "() => document.querySelectorAll('[required]')"
        ".forEach((e) => e.removeAttribute('required'))"
    )
    page.click("#accept-case")
    page.wait_for_load_state()
    return page


@pytest.mark.parametrize("viewport", [DESK, KIOSK_SCREEN], ids=["desk", "kiosk"])
def test_checklist_fits_card_with_file_error(
    browser, live_server, demo, tmp_path, viewport
):
    page = walk_in_with_file_error(browser, live_server, viewport, tmp_path)

    found = page.evaluate(CHECKLIST_JS)
    focused = page.evaluate(
        "() => [document.activeElement.getAttribute('role'),"
        " parseFloat(getComputedStyle(document.activeElement).outlineOffset)]"
    )

    assert any("disguised.pdf" in error for error in found["errors"]), found
    assert found["wrapScrollWidth"] <= found["wrapWidth"] + 1, found
    assert found["tableWidth"] <= found["cardWidth"], found
    for header in found["headers"]:
        # 已核验原件 and 已收取复印件 each stay on one line.
        assert header["lines"] == 1, header
    # The focused error keeps its outline clear of its text.
    assert focused[0] == "alert"
    assert focused[1] >= 4


def test_phone_submission_list_columns_readable(browser, live_server, demo):
    apply_online(demo)
    page = sign_in(browser, live_server, "clerk", viewport=PHONE, locale="zh-CN")
    page.goto(f"{live_server.url}/window/")
    page.wait_for_load_state()

    cells = page.evaluate(CELL_WIDTHS_JS, "#window-queue")
    page_overflow = page.evaluate(
        "document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )

    assert any(cell["text"] == "食品经营许可" for cell in cells), cells
    for cell in cells:
        minimum = MIN_COLUMN_CHARACTERS * cell["fontSize"]
        assert cell["width"] >= minimum, cell
    assert page_overflow <= 0


@pytest.mark.parametrize("viewport", [DESK, PHONE], ids=["desk", "phone"])
def test_header_text_contrast_meets_wcag_aa(browser, live_server, demo, viewport):
    page = sign_in(browser, live_server, "clerk", viewport=viewport, locale="zh-CN")
    page.goto(f"{live_server.url}/window/")
    page.select_option("#choose-window select[name=window]", "1")
    page.click("#choose-window button[type=submit]")
    page.wait_for_selector("#clerk-window", state="attached")
    if viewport == PHONE:
        page.click("#site-menu > summary")

    texts = page.evaluate(HEADER_CONTRAST_JS)

    assert any(text["text"] == "综合窗口 1" for text in texts), texts
    for text in texts:
        assert text["contrast"] >= MIN_CONTRAST, text


def test_header_buttons_use_link_font(browser, live_server, demo):
    page = sign_in(browser, live_server, "clerk", viewport=DESK, locale="zh-CN")
    font = (
        "(e) => { const s = getComputedStyle(e); return [s.fontFamily, s.fontSize]; }"
    )

    link = page.eval_on_selector("header.top nav a", font)

    assert page.eval_on_selector("#sign-out button", font) == link
    assert page.eval_on_selector("#language-switch button", font) == link


def test_banner_follows_receipt(browser, live_server, demo):
    number = apply_online(demo)
    matter = Matter.objects.get(pack_id=FOOD)
    clerk = sign_in(browser, live_server, "clerk", viewport=DESK, locale="zh-CN")
    clerk.goto(f"{live_server.url}/window/cases/{number}/")
    for material in current_version(matter).guide.materials:
        clerk.check(f"input[name='check.{material['key']}.original_seen']")
    clerk.click("#accept-case")
    clerk.wait_for_load_state()
    banner = clerk.locator(".messages li")
    assert banner.inner_text() == "已受理，受理回执生成中。"

    outbox.drain()

    clerk.locator("#case-documents a", has_text="受理回执").wait_for()
    clerk.wait_for_function(
        "() => document.querySelector('.messages li').innerText"
        " === '已受理，受理回执已生成，见“文书”。'"
    )
    assert banner.count() == 1
    assert clerk.locator(".receipt-pending").count() == 0
