"""Wide tables on a 375 px wide phone, in headless Chromium.

The page itself must never scroll sideways. A table wider than the screen scrolls inside
its container, which then shows the hint line above it and takes keyboard focus.
"""

from __future__ import annotations

from onestop.cases.tests.test_receipts import apply_online
from onestop.portal.tests.test_browser import sign_in
from onestop.testing import BROWSER_TEST_MARKS

pytestmark = BROWSER_TEST_MARKS

PHONE = {"width": 375, "height": 812}
HINT = "Swipe sideways to see more"

# For each table container: whether its table is wider than it, whether the hint line
# above it is shown, its text, and whether the container takes keyboard focus.
CONTAINERS_JS = """() => [...document.querySelectorAll(".table-wrap")].map((wrap) => {
    const hint = wrap.previousElementSibling;
    const isHint = hint !== null && hint.classList.contains("table-hint");
    return {
        id: wrap.querySelector("table").id,
        overflows: wrap.scrollWidth > wrap.clientWidth + 1,
        hintShown: isHint && hint.checkVisibility(),
        hintText: isHint ? hint.textContent : null,
        focusable: wrap.tabIndex === 0,
    };
})"""
PAGE_OVERFLOW_JS = (
    "document.documentElement.scrollWidth - document.documentElement.clientWidth"
)


def containers(page):
    page.wait_for_load_state()
    return {
        wrap["id"] or str(index): wrap
        for index, wrap in enumerate(page.evaluate(CONTAINERS_JS))
    }


def test_hint_shows_only_where_table_overflows(browser, live_server, demo):
    apply_online(demo)
    pages = {
        "clerk": ["/window/"],
        "supervisor": ["/supervise/", "/ratings/stats/"],
        "applicant": [f"/portal/{demo.centre.slug}/matters/", "/portal/cases/"],
    }

    for username, paths in pages.items():
        page = sign_in(browser, live_server, username, viewport=PHONE)
        for path in paths:
            page.goto(f"{live_server.url}{path}")
            found = containers(page)
            assert found, path
            assert page.evaluate(PAGE_OVERFLOW_JS) <= 0, path
            for name, wrap in found.items():
                assert wrap["hintShown"] == wrap["overflows"], f"{path} {name}"
                assert wrap["focusable"] == wrap["overflows"], f"{path} {name}"
                assert wrap["hintText"] == HINT, f"{path} {name}"


def test_queue_hint_follows_screen_width(browser, live_server, demo):
    apply_online(demo)
    page = sign_in(browser, live_server, "clerk", viewport=PHONE)
    page.goto(f"{live_server.url}/window/")

    queue = containers(page)["window-queue"]
    assert queue["overflows"]
    assert queue["hintShown"]
    # The edge shadows stay put (scroll) while the white covers move with the table.
    attachment = page.eval_on_selector(
        "#window-queue", "(t) => getComputedStyle(t.parentElement).backgroundAttachment"
    )
    assert attachment == "local, local, scroll, scroll"

    page.set_viewport_size({"width": 1280, "height": 900})
    page.wait_for_function(
        "() => !document.querySelector('#window-queue').closest('.table-wrap')"
        ".previousElementSibling.checkVisibility()"
    )
    queue = containers(page)["window-queue"]
    assert not queue["overflows"]
    assert not queue["hintShown"]
    assert not queue["focusable"]
