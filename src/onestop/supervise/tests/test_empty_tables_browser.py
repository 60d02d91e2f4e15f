"""The dashboard's tables with no warned or overdue case, in headless Chromium at a
desktop's size: each shows that in one row as wide as the table."""

from __future__ import annotations

from onestop.portal.tests.test_browser import sign_in
from onestop.testing import BROWSER_TEST_MARKS

pytestmark = BROWSER_TEST_MARKS

DESKTOP = {"width": 1440, "height": 900}
NO_WARNED_CASE = "No case is due soon or overdue."

# Returns the widths of the table and of its empty row's only cell, in CSS pixels.
EMPTY_ROW_WIDTHS_JS = """(table) => ({
    table: table.getBoundingClientRect().width,
    cell: table.querySelector("tbody td.muted").getBoundingClientRect().width,
})"""


def test_empty_tables_say_so_across(browser, live_server, demo):
    page = sign_in(browser, live_server, "supervisor", viewport=DESKTOP)

    page.goto(f"{live_server.url}/supervise/")

    for table_id in ("by-department", "by-matter", "warned"):
        table = page.locator(f"table#{table_id}")
        assert table.locator("tbody tr").count() == 1, table_id
        assert table.locator("tbody td").inner_text() == NO_WARNED_CASE, table_id
        widths = table.evaluate(EMPTY_ROW_WIDTHS_JS)
        # The cell spans the table but for the cells' borders and spacing.
        assert widths["cell"] >= widths["table"] - 2, (table_id, widths)
