"""Switching the language in headless Chromium keeps what was typed into the form."""

from __future__ import annotations

from onestop.testing import BROWSER_TEST_MARKS

pytestmark = BROWSER_TEST_MARKS


def open_register_page(browser, live_server):
    context = browser.new_context(
        viewport={"width": 390, "height": 844}, locale="zh-CN"
    )
    page = context.new_page()
    page.set_default_timeout(15000)
    page.goto(f"{live_server.url}/accounts/register/")
    return page


def kept_forms(page):
    return page.evaluate(
        "() => Object.keys(sessionStorage).filter((key) => key.startsWith('onestop.form:'))"
    )


def test_typed_values_survive_switch_but_password_does_not(browser, live_server, db):
    page = open_register_page(browser, live_server)
    page.fill("input[name=username]", "wangwu")
    page.fill("input[name=password]", "a-long-passphrase-1")
    page.fill("input[name=name]", "王𠮷")
    page.fill("input[name=phone]", "13800138000")

    with page.expect_navigation():
        page.click("#language-switch button")

    assert page.locator("html").get_attribute("lang") == "en"
    assert page.input_value("input[name=username]") == "wangwu"
    assert page.input_value("input[name=name]") == "王𠮷"
    assert page.input_value("input[name=phone]") == "13800138000"
    assert page.input_value("input[name=password]") == ""
    assert kept_forms(page) == []


def test_untouched_form_stores_nothing(browser, live_server, db):
    page = open_register_page(browser, live_server)
    page.evaluate(
        "() => document.getElementById('language-switch')"
        ".addEventListener('submit', () => { window.name = "
        "JSON.stringify(Object.keys(sessionStorage)"
        ".filter((key) => key.startsWith('onestop.form:'))); })"
    )

    with page.expect_navigation():
        page.click("#language-switch button")

    assert page.evaluate("() => window.name") == "[]"
    assert page.input_value("input[name=username]") == ""
