"""Keyboard focus in headless Chromium: the skip link comes first and shows when focused,
and a failed submit puts focus on the error summary or the error message."""

from __future__ import annotations

from onestop.catalog.models import Matter
from onestop.portal.tests.test_browser import fill_form, sign_in
from onestop.testing import BROWSER_TEST_MARKS, current_version

pytestmark = BROWSER_TEST_MARKS

FOOD = "food-business-licence"
FOCUSED_JS = "() => document.activeElement && document.activeElement.outerHTML"


def focused_matches(page, selector):
    return page.evaluate(
        "(selector) => document.activeElement.matches(selector)", selector
    )


def test_skip_link_first_then_main(browser, live_server, demo):
    page = browser.new_context().new_page()
    page.goto(f"{live_server.url}/accounts/login/")
    link = page.locator("a.skip-link")
    hidden_box = link.bounding_box()

    page.keyboard.press("Tab")
    link_focused = focused_matches(page, "a.skip-link")
    focused_box = link.bounding_box()
    page.keyboard.press("Enter")

    assert hidden_box["y"] + hidden_box["height"] <= 0
    assert link_focused, page.evaluate(FOCUSED_JS)
    assert link.inner_text().strip() == "Skip to main content"
    assert focused_box["y"] >= 0
    assert focused_box["height"] >= 44
    assert page.url.endswith("#main")
    assert focused_matches(page, "main#main"), page.evaluate(FOCUSED_JS)


def test_failed_sign_in_focuses_error(browser, live_server, demo):
    page = sign_in(browser, live_server, "applicant", password="wrong-password")

    assert page.locator("main .error-message[role=alert]").count() == 1
    assert focused_matches(page, "main .error-message[role=alert]"), page.evaluate(
        FOCUSED_JS
    )


def test_failed_application_focuses_summary(browser, live_server, demo, tmp_path):
    matter = Matter.objects.get(centre=demo.centre, pack_id=FOOD)
    page = sign_in(browser, live_server, "applicant")
    page.goto(f"{live_server.url}/portal/{demo.centre.slug}/matters/{FOOD}/apply/")
    fill_form(page, matter, tmp_path)
    for material in current_version(matter).guide.materials:
        page.set_input_files(f"input[name='material.{material['key']}']", [])
    # The browser's own check of required files would stop the request before the
    # server could reply with its error summary.
    page.eval_on_selector("#submit-application", "(b) => { b.form.noValidate = true; }")

    with page.expect_navigation():
        page.click("#submit-application")

    summary = page.locator("main .error-summary")
    assert summary.count() == 1
    assert focused_matches(page, "main .error-summary"), page.evaluate(FOCUSED_JS)
    assert summary.get_attribute("tabindex") == "-1"
