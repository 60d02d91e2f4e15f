"""In headless Chromium at a phone's size: a form is sent after its account signed in
again in another tab, so its CSRF token is out of date. It gets the out-of-date page,
and going back to the form finds the typed values filled in again."""

from __future__ import annotations

from onestop.cases.models import Case
from onestop.portal.tests.test_browser import sign_in
from onestop.portal.tests.test_keep_form_sign_in_browser import (
    EMPLOYER,
    ID_CARD_MATERIAL,
    KEPT_FORMS_JS,
    apply_path,
    fill_application,
    sign_in_again,
)
from onestop.testing import BROWSER_TEST_MARKS

pytestmark = BROWSER_TEST_MARKS


def sign_in_again_in_another_tab(page, live_server):
    """Sign out and in again in a second tab of the same browser, which gives the
    browser a new session and a new CSRF cookie."""
    other = page.context.new_page()
    other.goto(f"{live_server.url}/")
    other.click("#site-menu summary")
    other.click("#sign-out button")
    other.wait_for_load_state()
    other.goto(f"{live_server.url}/accounts/login/")
    sign_in_again(other)
    other.wait_for_load_state()
    other.close()


def send_with_stale_token(page, live_server, demo, tmp_path):
    path = apply_path(demo)
    page.goto(f"{live_server.url}{path}")
    fill_application(page, demo, tmp_path)
    sign_in_again_in_another_tab(page, live_server)

    page.click("#submit-application")
    page.locator("#form-expired").wait_for()
    return path


def test_stale_form_keeps_typed_values(browser, live_server, demo, tmp_path):
    page = sign_in(browser, live_server, "applicant")

    path = send_with_stale_token(page, live_server, demo, tmp_path)
    notice = page.locator("#form-expired")
    notice.locator(".files-to-choose-again").wait_for()

    assert "This page was out of date" in page.inner_text("main h1")
    assert "The values you typed are kept" in notice.inner_text()
    assert notice.locator(".files-to-choose-again li").all_inner_texts() == [
        ID_CARD_MATERIAL
    ]
    assert page.get_attribute("#back-to-form", "href") == path

    page.click("#back-to-form")
    restored = page.locator("#kept-values-restored")
    restored.wait_for()

    assert page.url == f"{live_server.url}{path}"
    assert page.input_value("[name='field.former_employer']") == EMPLOYER
    assert "before the page went out of date" in restored.inner_text()
    assert restored.locator(".files-to-choose-again li").all_inner_texts() == [
        ID_CARD_MATERIAL
    ]
    assert page.evaluate(KEPT_FORMS_JS) == []
    assert Case.objects.count() == 0


def test_stale_form_sent_again_is_saved(browser, live_server, demo, tmp_path):
    page = sign_in(browser, live_server, "applicant")
    send_with_stale_token(page, live_server, demo, tmp_path)
    page.locator("#form-expired .files-to-choose-again").wait_for()
    page.click("#back-to-form")
    page.locator("#kept-values-restored").wait_for()

    fill_application(page, demo, tmp_path)
    page.click("#submit-application")
    page.wait_for_url(f"{live_server.url}/portal/cases/*/")

    assert Case.objects.count() == 1
