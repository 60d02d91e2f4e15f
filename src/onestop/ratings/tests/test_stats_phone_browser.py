"""The rating statistics table on a 390 px wide phone, in headless Chromium and Chinese.

Its eleven columns do not fit, so the table scrolls inside its container, and neither a
department's name nor a column title is squeezed to one character a line.
"""

from __future__ import annotations

from onestop.portal.tests.test_browser import sign_in
from onestop.ratings.actions import rate_case
from onestop.testing import BROWSER_TEST_MARKS

pytestmark = BROWSER_TEST_MARKS

PHONE = {"width": 390, "height": 844}
# For the figures table: whether it scrolls in its container, the page's width, and the
# height in lines of the tallest column title and of the first name cell.
TABLE_JS = """() => {
    const table = document.querySelector("table.rating-figures");
    const wrap = table.closest(".table-wrap");
    const lines = (cell) => {
        const style = getComputedStyle(cell);
        const padding = parseFloat(style.paddingTop) + parseFloat(style.paddingBottom);
        return (cell.clientHeight - padding) / parseFloat(style.lineHeight);
    };
    return {
        scrolls: wrap.scrollWidth > wrap.clientWidth + 1,
        pageWidth: document.scrollingElement.scrollWidth,
        titleLines: Math.max(...[...table.querySelectorAll("th")].map(lines)),
        nameLines: lines(table.querySelector("tbody td")),
        name: table.querySelector("tbody td").textContent,
    };
}"""


def test_figures_scroll_on_phone(browser, live_server, demo, issued_case):
    rate_case(actor=demo.user("applicant"), case=issued_case(), level=2)
    page = sign_in(browser, live_server, "supervisor", viewport=PHONE, locale="zh-CN")

    page.goto(f"{live_server.url}/ratings/stats/?dimension=department")
    table = page.evaluate(TABLE_JS)

    assert table["scrolls"]
    assert table["pageWidth"] <= PHONE["width"]
    # Titles wrap so that the table fits a desk screen, but keep 4 characters a line.
    assert table["titleLines"] <= 2.5
    assert len(table["name"]) > 9
    assert table["nameLines"] <= 2.5
