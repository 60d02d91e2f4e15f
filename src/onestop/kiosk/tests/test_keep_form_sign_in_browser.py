"""A kiosk keeps a form's typed values across an ended session for the same applicant
only: the next person to sign in, and the idle restart, find none of them. The files that
the form held end with the session, so the kiosk names them to choose again."""

from __future__ import annotations

from onestop.identity.actions import register_person
from onestop.identity.codes import id_check_digit
from onestop.kiosk.tests.test_touch_layout_browser import kiosk_page
from onestop.portal.demo import PASSWORD
from onestop.portal.tests.test_held_uploads_browser import (
    FOOD,
    send_with_files_kept,
)
from onestop.portal.tests.test_keep_form_sign_in_browser import (
    EMPLOYER,
    KEPT_FORMS_JS,
    UNEMPLOYMENT,
    send_after_session_ended,
    sign_in_again,
)
from onestop.testing import BROWSER_TEST_MARKS, DEMO_APPLICANT_NAME

pytestmark = BROWSER_TEST_MARKS

SECOND_NAME = "王小明"
SECOND_ID_FIRST_17 = "44060419920715418"


def kiosk_form_sent_after_session_ended(page, live_server, demo, tmp_path):
    """Send the kiosk's application form after its session ended, and return its path."""
    path = f"/kiosk/{demo.centre.slug}/matters/{UNEMPLOYMENT}/apply/"
    send_after_session_ended(page, live_server, demo, tmp_path, path)
    page.locator("#session-ended .files-to-choose-again").wait_for()
    return path


def test_next_person_gets_no_values(browser, live_server, demo, tmp_path):
    register_person(
        username="second",
        password=PASSWORD,
        id_number=SECOND_ID_FIRST_17 + id_check_digit(SECOND_ID_FIRST_17),
        name=SECOND_NAME,
        phone="13900139000",
    )
    page = kiosk_page(browser, live_server, "applicant")
    path = kiosk_form_sent_after_session_ended(page, live_server, demo, tmp_path)
    notice = page.locator("#session-ended").inner_text()

    assert "表单发送前您的登录已失效" in notice
    assert "您填写的内容已保留在本浏览器标签页中" in notice
    assert "申请人居民身份证" in notice

    sign_in_again(page, "second")
    page.wait_for_url(f"{live_server.url}{path}")

    assert page.input_value("[name='field.former_employer']") == ""
    assert page.input_value("[name='field.applicant_name']") == SECOND_NAME
    assert page.input_value("[name='field.applicant_name']") != DEMO_APPLICANT_NAME
    assert page.locator("#kept-values-restored").count() == 0
    assert page.evaluate(KEPT_FORMS_JS) == []


def test_same_person_gets_values_back(browser, live_server, demo, tmp_path):
    page = kiosk_page(browser, live_server, "applicant")
    path = kiosk_form_sent_after_session_ended(page, live_server, demo, tmp_path)

    sign_in_again(page)
    page.wait_for_url(f"{live_server.url}{path}")
    page.locator("#kept-values-restored").wait_for()

    assert page.input_value("[name='field.former_employer']") == EMPLOYER
    assert "已填回您在登录失效前填写的内容" in page.inner_text("#kept-values-restored")


def test_idle_restart_forgets_values(browser, live_server, demo, tmp_path, settings):
    page = kiosk_page(browser, live_server, "applicant")
    # From the sign-in page on, the kiosk starts again after 6 seconds untouched.
    settings.ONESTOP_KIOSK_IDLE_SECONDS = 6
    kiosk_form_sent_after_session_ended(page, live_server, demo, tmp_path)
    assert page.evaluate(KEPT_FORMS_JS) != []

    page.wait_for_url(f"{live_server.url}/kiosk/*/matters/", timeout=15000)

    assert page.evaluate(KEPT_FORMS_JS) == []


def test_held_files_named_to_choose_again(browser, live_server, demo, tmp_path):
    path = f"/kiosk/{demo.centre.slug}/matters/{FOOD}/apply/"
    page = kiosk_page(browser, live_server, "applicant")
    required = send_with_files_kept(page, f"{live_server.url}{path}", demo, tmp_path)
    for key in required:
        assert page.locator(f"#held-{key}[data-session-bound]").count() == 1
    page.fill("[name='field.organisation_name']", "禅城区一号餐饮店")
    page.context.clear_cookies(name="sessionid")

    page.click("#submit-application")
    page.wait_for_url(f"{live_server.url}/kiosk/login/?next={path}&session_ended=1")
    notice = page.locator("#session-ended")
    notice.locator(".files-to-choose-again").wait_for()

    assert notice.locator(".files-to-choose-again li").all_inner_texts() == list(
        required.values()
    )
    assert notice.locator(".held-files-kept").count() == 0

    sign_in_again(page)
    page.wait_for_url(f"{live_server.url}{path}")
    restored = page.locator("#kept-values-restored")
    restored.wait_for()

    assert page.input_value("[name='field.organisation_name']") == "禅城区一号餐饮店"
    assert page.locator(".held-upload").count() == 0
    assert restored.locator(".files-to-choose-again li").all_inner_texts() == list(
        required.values()
    )
