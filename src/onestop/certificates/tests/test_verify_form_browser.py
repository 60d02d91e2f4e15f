"""The verification form on a phone, in headless Chromium."""

from __future__ import annotations

from onestop.testing import BROWSER_TEST_MARKS, full_width

pytestmark = BROWSER_TEST_MARKS

PHONE = {"width": 390, "height": 844}


def test_form_checks_typed_identifier_on_phone(browser, live_server, licence):
    page = browser.new_context(viewport=PHONE, locale="zh-CN").new_page()
    page.goto(f"{live_server.url}/verify/")

    width = page.evaluate("document.scrollingElement.scrollWidth")
    page.fill("input[name=identifier]", full_width(licence.identifier.lower()))
    page.click("#verify-form button[type=submit]")
    page.wait_for_url(f"{live_server.url}/verify/{licence.identifier}")

    assert width <= PHONE["width"]
    assert page.locator("h1").inner_text() == "✔ 证照有效"
    assert page.locator("a", has_text="下载存证证明文件").count() == 1
