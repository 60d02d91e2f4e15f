"""End to end in headless Chromium: apply online, accept at the window, accept a walk-in."""

from __future__ import annotations

import re

from onestop.cases.models import Case, CaseState
from onestop.catalog.models import Matter
from onestop.core import outbox
from onestop.portal.demo import PASSWORD
from onestop.testing import (
    BROWSER_TEST_MARKS,
    PDF_BYTES,
    choose_in_page,
    current_version,
    sample_value,
)

pytestmark = BROWSER_TEST_MARKS


def sign_in(
    browser,
    live_server,
    username,
    viewport=None,
    password=PASSWORD,
    locale=None,
    javascript=True,
):
    """Sign in on a new page, by default in a 390 x 844 phone's window."""
    options = {"java_script_enabled": javascript}
    if locale:
        options["locale"] = locale
    page = browser.new_context(
        viewport=viewport or {"width": 390, "height": 844}, **options
    ).new_page()
    page.set_default_timeout(15000)
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", password)
    page.click("button[type=submit]")
    page.wait_for_load_state()
    return page


def fill_form(page, matter, tmp_path):
    for field in matter.current_version.guide.form_fields:
        selector = f"[name='field.{field['key']}']"
        value = sample_value(field)
        if field.get("type") == "select":
            choose_in_page(page, field, value)
        elif not page.input_value(selector):
            page.fill(selector, value)
    scan = tmp_path / "scan.pdf"
    scan.write_bytes(PDF_BYTES)
    for material in matter.current_version.guide.materials:
        if material.get("necessity", "required") == "required":
            page.set_input_files(f"input[name='material.{material['key']}']", str(scan))


def test_apply_online_then_window_accepts(browser, live_server, demo, tmp_path):
    matter = Matter.objects.get(centre=demo.centre, pack_id="food-business-licence")

    page = sign_in(browser, live_server, "applicant")
    page.goto(f"{live_server.url}/portal/{demo.centre.slug}/matters/?q=食品经营")
    page.click("text=食品经营许可")
    assert page.locator("h1").inner_text() == "食品经营许可"
    page.click("a.button[href$='/apply/']")
    fill_form(page, matter, tmp_path)
    page.click("#submit-application")
    page.wait_for_url(re.compile(r"/portal/cases/\d+/"))
    number = page.locator(".case-number").inner_text()
    assert Case.objects.get(number=number).state == CaseState.SUBMITTED

    clerk = sign_in(browser, live_server, "clerk")
    clerk.goto(f"{live_server.url}/window/")
    clerk.select_option("#choose-window select[name=window]", "2")
    clerk.click("#choose-window button[type=submit]")
    # On a phone the header links, the clerk's window among them, are in the menu.
    clerk.wait_for_selector("#clerk-window", state="attached")
    assert clerk.locator("#clerk-window").text_content() == "综合窗口 2"
    clerk.click(f"#window-queue >> text={number}")
    clerk.click("#accept-case")
    clerk.wait_for_load_state()
    accepted = Case.objects.get(number=number)
    assert accepted.state in (CaseState.ACCEPTED, CaseState.IN_REVIEW)
    assert accepted.window_record is not None
    assert accepted.window_record.code == "2"
    assert accepted.window == "综合窗口 2"
    # The worker has not run, so the page shows the receipt as pending, then picks it
    # up by itself once the worker has signed it.
    assert clerk.locator(".receipt-pending").count() == 1
    assert receipt_links(clerk).count() == 0
    outbox.drain()
    receipt_links(clerk).wait_for()
    assert receipt_links(clerk).count() == 1
    assert clerk.locator(".receipt-pending").count() == 0


def receipt_links(page):
    return page.locator("a", has_text=re.compile("受理回执|Acceptance receipt"))


def test_window_accepts_walk_in(browser, live_server, demo, tmp_path):
    matter = Matter.objects.get(centre=demo.centre, pack_id="food-business-licence")
    clerk = sign_in(browser, live_server, "clerk")
    clerk.goto(f"{live_server.url}/window/new/{matter.pack_id}/")
    clerk.fill("input[name=id_number]", "440604198503150025")
    clerk.click("text=/识别|Identify/")
    assert clerk.locator("[data-code='id_number.check_digit']").count() == 1

    clerk.fill("input[name=id_number]", "440604198503150024")
    clerk.click("text=/识别|Identify/")
    fill_form(clerk, matter, tmp_path)
    for material in current_version(matter).guide.materials:
        clerk.check(f"input[name='check.{material['key']}.original_seen']")
    clerk.click("#accept-case")
    clerk.wait_for_url(re.compile(r"/window/cases/\d+/"))
    number = clerk.locator(".case-number").inner_text()
    case = Case.objects.get(number=number)
    assert case.channel == "window"
    assert case.promised_due is not None


def test_choosing_enterprise_fills_its_fields(browser, live_server, demo):
    page = sign_in(browser, live_server, "agent")
    page.goto(
        f"{live_server.url}/portal/{demo.centre.slug}/matters/food-business-licence/apply/"
    )
    uscc = "[name='field.organisation_uscc']"
    name = "[name='field.organisation_name']"
    assert page.input_value(uscc) == ""

    page.select_option("#apply-for", "91440604MA4W1X2YX9")
    filled = (page.input_value(uscc), page.input_value(name))
    page.select_option("#apply-for", "")

    assert filled == ("91440604MA4W1X2YX9", "佛山市禅城区示例商贸有限公司")
    assert page.input_value(uscc) == ""
    page.fill(name, "另填的名称")
    page.select_option("#apply-for", "91440604MA4W1X2YX9")
    assert page.input_value(name) == "另填的名称"


def test_enterprise_choice_survives_language_switch(browser, live_server, demo):
    page = sign_in(browser, live_server, "agent")
    page.goto(
        f"{live_server.url}/portal/{demo.centre.slug}/matters/food-business-licence/apply/"
    )
    page.select_option("#apply-for", "91440604MA4W1X2YX9")
    with page.expect_navigation():
        page.click("#language-switch button")

    page.select_option("#apply-for", "")

    assert page.input_value("[name='field.organisation_uscc']") == ""
    assert page.input_value("[name='field.organisation_name']") == ""
