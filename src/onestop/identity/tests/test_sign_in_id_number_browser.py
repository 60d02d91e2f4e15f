"""Sign-in with a resident ID number in headless Chromium at phone size."""

from __future__ import annotations

from onestop.portal.demo import PASSWORD
from onestop.testing import BROWSER_TEST_MARKS

pytestmark = BROWSER_TEST_MARKS

AGENT_ID_LOWER_X = "44060419900101123x"
PHONE = {"width": 390, "height": 844}


def open_sign_in_page(browser, live_server):
    context = browser.new_context(viewport=PHONE, locale="zh-CN")
    page = context.new_page()
    page.set_default_timeout(15000)
    page.goto(f"{live_server.url}/accounts/login/?next=/accounts/profile/")
    return page


def test_phone_sign_in_by_id_number(browser, live_server, demo):
    page = open_sign_in_page(browser, live_server)
    label = page.locator("label", has=page.locator("input[name=username]"))

    assert "用户名或身份证号" in label.inner_text()
    field_width = page.locator("input[name=username]").bounding_box()["width"]
    assert 0 < field_width <= PHONE["width"]
    page_width = page.evaluate("document.documentElement.scrollWidth")
    assert page_width <= PHONE["width"]

    page.fill("input[name=username]", f" {AGENT_ID_LOWER_X} ")
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(f"{live_server.url}/accounts/profile/")

    assert page.locator("#sign-out").count() == 1
    assert "4406**********123X" in page.content()


def test_phone_wrong_password_by_id_number(browser, live_server, demo):
    page = open_sign_in_page(browser, live_server)

    page.fill("input[name=username]", AGENT_ID_LOWER_X)
    page.fill("input[name=password]", "wrong-password-1")
    page.click("button[type=submit]")
    alert = page.locator("p.error-message[role=alert]")
    alert.wait_for()

    assert alert.inner_text() == "用户名（身份证号）或密码错误。"
    assert page.input_value("input[name=username]") == AGENT_ID_LOWER_X
