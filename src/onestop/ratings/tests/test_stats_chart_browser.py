"""The rating statistics chart on a 390 px wide phone, in headless Chromium and Chinese:
every bar is labelled with its group, however many groups there are."""

from __future__ import annotations

from onestop.portal.tests.test_browser import sign_in
from onestop.ratings.actions import rate_case
from onestop.testing import BROWSER_TEST_MARKS

pytestmark = BROWSER_TEST_MARKS

PHONE = {"width": 390, "height": 844}
# The windows the cases are accepted at, with the level each case is rated (5 is the
# best, 1 and 2 are bad ratings).
RATED_AT_WINDOWS = {"1": 5, "2": 1, "3": 4, "4": 2, "5": 5, "6": 1}

# Returns the text of the chart's SVG, whose label lines follow one another in order.
CHART_TEXT_JS = """() => [...document.querySelectorAll("#rating-chart svg text")]
    .map((text) => text.textContent).join("")"""


def test_chart_labels_every_bar(browser, live_server, demo, issued_case):
    for window, level in RATED_AT_WINDOWS.items():
        case = issued_case(window=window)
        rate_case(actor=demo.user("applicant"), case=case, level=level)
    page = sign_in(browser, live_server, "supervisor", viewport=PHONE, locale="zh-CN")

    page.goto(f"{live_server.url}/ratings/stats/?dimension=window")
    page.locator("#rating-chart svg").wait_for()
    chart_text = page.evaluate(CHART_TEXT_JS)

    for window in RATED_AT_WINDOWS:
        assert f"综合窗口 {window}" in chart_text, window
