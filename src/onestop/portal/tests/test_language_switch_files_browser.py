"""Switching the language in the middle of an application, in headless Chromium at a
phone's size. The typed values come back, and the materials whose chosen files are lost
are listed with the notice that the sign-in page shows after a session ended."""

from __future__ import annotations

from onestop.portal.tests.test_browser import sign_in
from onestop.portal.tests.test_keep_form_sign_in_browser import (
    EMPLOYER,
    ID_CARD_MATERIAL,
    KEPT_FORMS_JS,
    apply_path,
    fill_application,
)
from onestop.testing import BROWSER_TEST_MARKS

pytestmark = BROWSER_TEST_MARKS

FILES_LOST = "浏览器无法保留已选择的文件，请为以下材料重新选择文件："


def switch_language(page):
    with page.expect_navigation():
        page.click("#language-switch button")


def test_switch_names_files_to_choose_again(browser, live_server, demo, tmp_path):
    page = sign_in(browser, live_server, "applicant")
    page.goto(f"{live_server.url}{apply_path(demo)}")
    fill_application(page, demo, tmp_path)

    switch_language(page)
    notice = page.locator("#apply-form #files-to-choose-again-notice")
    notice.wait_for()

    assert page.locator("html").get_attribute("lang") == "zh-hans"
    assert page.input_value("[name='field.former_employer']") == EMPLOYER
    assert notice.locator("p").all_inner_texts() == [FILES_LOST]
    assert notice.locator(".files-to-choose-again li").all_inner_texts() == [
        ID_CARD_MATERIAL
    ]
    assert page.evaluate(KEPT_FORMS_JS) == []


def test_switch_without_files_shows_no_notice(browser, live_server, demo):
    page = sign_in(browser, live_server, "applicant")
    page.goto(f"{live_server.url}{apply_path(demo)}")
    page.fill("[name='field.former_employer']", EMPLOYER)

    switch_language(page)

    assert page.input_value("[name='field.former_employer']") == EMPLOYER
    assert page.locator("#files-to-choose-again-notice").count() == 0


def test_chosen_file_alone_is_named(browser, live_server, demo, tmp_path):
    page = sign_in(browser, live_server, "applicant")
    page.goto(f"{live_server.url}{apply_path(demo)}")
    document = tmp_path / "id-card.pdf"
    document.write_bytes(b"%PDF-1.4\n")
    page.set_input_files("input[type=file][data-material-name]", str(document))

    switch_language(page)
    notice = page.locator("#files-to-choose-again-notice")
    notice.wait_for()

    assert notice.locator(".files-to-choose-again li").all_inner_texts() == [
        ID_CARD_MATERIAL
    ]
