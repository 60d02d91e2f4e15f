"""Text over a field's limit is kept and reported in the page, not cut by the browser."""

from __future__ import annotations

from onestop.testing import BROWSER_TEST_MARKS

pytestmark = BROWSER_TEST_MARKS

# The name field of the registration page takes at most 60 characters.
LIMIT = 60


def open_register_page(browser, live_server, locale="en-US"):
    context = browser.new_context(viewport={"width": 390, "height": 844}, locale=locale)
    page = context.new_page()
    page.set_default_timeout(15000)
    page.goto(f"{live_server.url}/accounts/register/")
    return page


def name_is_valid(page) -> bool:
    return page.eval_on_selector("input[name=name]", "(field) => field.checkValidity()")


def test_pasted_text_over_limit_kept(browser, live_server, db):
    page = open_register_page(browser, live_server)
    if page.locator("html").get_attribute("lang") != "en":
        with page.expect_navigation():
            page.click("#language-switch button")
    text = "王" * (LIMIT + 2)

    page.focus("input[name=name]")
    page.keyboard.insert_text(text)

    assert page.input_value("input[name=name]") == text
    assert not name_is_valid(page)
    assert page.locator(".over-limit").inner_text() == (
        "62 characters; the maximum is 60. Shorten the text before sending it."
    )


def test_shortened_text_clears_notice(browser, live_server, db):
    page = open_register_page(browser, live_server)
    page.focus("input[name=name]")
    page.keyboard.insert_text("王" * (LIMIT + 1))

    page.keyboard.press("Backspace")

    assert name_is_valid(page)
    assert page.locator(".over-limit").inner_text() == ""


def test_characters_outside_bmp_count_once(browser, live_server, db):
    page = open_register_page(browser, live_server)
    page.focus("input[name=name]")

    # 𠮷 is two UTF-16 code units but one character, as the server counts it.
    page.keyboard.insert_text("𠮷" * LIMIT)

    assert name_is_valid(page)
    assert page.locator(".over-limit").count() == 0


def test_notice_in_chinese(browser, live_server, db):
    page = open_register_page(browser, live_server, locale="zh-CN")
    page.focus("input[name=name]")

    page.keyboard.insert_text("王" * (LIMIT + 2))

    assert page.locator(".over-limit").inner_text() == (
        "共 62 个字，最多 60 个。请删减后再提交。"
    )
