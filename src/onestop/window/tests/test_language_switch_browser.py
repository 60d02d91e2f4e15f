"""Switching the language on the window's pages that a POST opens keeps the clerk's work.

The walk-in form appears only after the clerk identifies the applicant with a POST, and the
registration page gets the ID number from one. Switching the language loads the page again
with a GET, so without help the form, or the values that came with the POST, would be gone.
"""

from __future__ import annotations

from onestop.portal.tests.test_browser import sign_in
from onestop.testing import BROWSER_TEST_MARKS

pytestmark = BROWSER_TEST_MARKS

FOOD = "food-business-licence"
APPLICANT_ID = "440604198503150024"
# A valid resident ID number that no demo account has.
UNREGISTERED_ID = "11010519491231002X"


def switch_language(page):
    """Switch to the other language and return the new one."""
    before = page.locator("html").get_attribute("lang")
    with page.expect_navigation():
        page.click("#language-switch button")
    page.wait_for_load_state()
    after = page.locator("html").get_attribute("lang")
    assert after != before
    return after


def kept_forms(page):
    return page.evaluate(
        "() => Object.keys(sessionStorage).filter((key) => key.startsWith('onestop.form:'))"
    )


def identified_walk_in(browser, live_server, id_number=APPLICANT_ID):
    """Sign the clerk in, open the walk-in page of FOOD and identify `id_number`."""
    page = sign_in(browser, live_server, "clerk")
    page.goto(f"{live_server.url}/window/new/{FOOD}/")
    page.fill("input[name=id_number]", id_number)
    page.click("text=/识别|Identify/")
    page.wait_for_load_state()
    return page


def test_walk_in_form_survives_switch(browser, live_server, demo):
    page = identified_walk_in(browser, live_server)
    page.wait_for_selector("#window-form")
    page.select_option("#window-form select[name=window]", "4")
    page.fill("[name='field.organisation_name']", "禅城区老街小食店")
    catering = "input[name='field.main_business'][value=catering]"
    page.check(catering)

    switch_language(page)
    page.wait_for_selector("#window-form")

    assert page.input_value("#window-form select[name=window]") == "4"
    assert page.input_value("[name='field.organisation_name']") == "禅城区老街小食店"
    assert page.is_checked(catering)
    assert page.input_value("input[name=id_number]:not([type=hidden])") == APPLICANT_ID
    assert APPLICANT_ID not in page.url
    assert kept_forms(page) == []


def test_walk_in_form_survives_two_switches(browser, live_server, demo):
    page = identified_walk_in(browser, live_server)
    page.wait_for_selector("#window-form")
    page.select_option("#window-form select[name=window]", "5")

    first = page.locator("html").get_attribute("lang")
    switch_language(page)
    page.wait_for_selector("#window-form")
    switch_language(page)
    page.wait_for_selector("#window-form")

    assert page.locator("html").get_attribute("lang") == first
    assert page.input_value("#window-form select[name=window]") == "5"


def test_registration_keeps_posted_id_number(browser, live_server, demo):
    page = identified_walk_in(browser, live_server, UNREGISTERED_ID)
    page.click("#register-applicant")
    page.wait_for_selector("input[name=name]")

    switch_language(page)

    assert page.input_value("input[name=id_number]") == UNREGISTERED_ID
    assert UNREGISTERED_ID not in page.url
    assert kept_forms(page) == []
