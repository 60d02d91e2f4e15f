"""In headless Chromium at a phone's size: a form sent after its session ended keeps its
typed values through the sign-in page, which names the files to choose again."""

from __future__ import annotations

from onestop.cases.models import Case, CaseState
from onestop.catalog.models import Matter
from onestop.portal.demo import PASSWORD
from onestop.portal.tests.test_browser import fill_form, sign_in
from onestop.portal.tests.test_conditional_field_browser import fill_except_delivery
from onestop.testing import (
    BROWSER_TEST_MARKS,
    PDF_BYTES,
    material_files,
    valid_form,
)

pytestmark = BROWSER_TEST_MARKS

UNEMPLOYMENT = "unemployment-insurance-benefit"
ID_CARD_MATERIAL = "申请人居民身份证"
EMPLOYER = "佛山市禅城区某某纺织有限公司"
# The sample values of the tests leave a field with a pattern empty.
BANK_ACCOUNT = "6222020200112233445"
KEPT_FORMS_JS = (
    "() => Object.keys(sessionStorage).filter((key) => key.startsWith('onestop.form:'))"
)


def apply_path(demo):
    return f"/portal/{demo.centre.slug}/matters/{UNEMPLOYMENT}/apply/"


def fill_application(page, demo, tmp_path):
    matter = Matter.objects.get(centre=demo.centre, pack_id=UNEMPLOYMENT)
    fill_form(page, matter, tmp_path)
    page.fill("[name='field.former_employer']", EMPLOYER)
    page.fill("[name='field.bank_account']", BANK_ACCOUNT)


def sign_in_again(page, username="applicant"):
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", PASSWORD)
    page.click("main button[type=submit]")


def send_after_session_ended(page, live_server, demo, tmp_path, path):
    """Fill the application form at `path`, lose the session and send the form.

    Return the sign-in page's address that the browser ends on.
    """
    page.goto(f"{live_server.url}{path}")
    fill_application(page, demo, tmp_path)
    page.context.clear_cookies(name="sessionid")
    page.click("#submit-application")
    sign_in_path = "/kiosk/login/" if path.startswith("/kiosk/") else "/accounts/login/"
    sign_in_url = f"{live_server.url}{sign_in_path}?next={path}&session_ended=1"
    page.wait_for_url(sign_in_url)
    return sign_in_url


def test_ended_session_keeps_typed_values(browser, live_server, demo, tmp_path):
    path = apply_path(demo)
    page = sign_in(browser, live_server, "applicant")

    send_after_session_ended(page, live_server, demo, tmp_path, path)
    notice = page.locator("#session-ended")
    notice.locator(".files-to-choose-again").wait_for()

    assert "Your session ended before the form was sent" in notice.inner_text()
    assert "The values you typed are kept" in notice.inner_text()
    assert notice.locator(".files-to-choose-again li").all_inner_texts() == [
        ID_CARD_MATERIAL
    ]

    sign_in_again(page)
    page.wait_for_url(f"{live_server.url}{path}")
    restored = page.locator("#kept-values-restored")
    restored.wait_for()

    assert page.input_value("[name='field.former_employer']") == EMPLOYER
    assert restored.locator(".files-to-choose-again li").all_inner_texts() == [
        ID_CARD_MATERIAL
    ]
    assert page.evaluate(KEPT_FORMS_JS) == []
    assert Case.objects.count() == 0


def test_values_not_restored_after_reload(browser, live_server, demo, tmp_path):
    path = apply_path(demo)
    page = sign_in(browser, live_server, "applicant")
    send_after_session_ended(page, live_server, demo, tmp_path, path)
    sign_in_again(page)
    page.wait_for_url(f"{live_server.url}{path}")
    page.locator("#kept-values-restored").wait_for()

    page.reload()

    assert page.input_value("[name='field.former_employer']") == ""
    assert page.locator("#kept-values-restored").count() == 0


def test_sent_form_leaves_nothing_kept(browser, live_server, demo, tmp_path):
    page = sign_in(browser, live_server, "applicant")
    page.goto(f"{live_server.url}{apply_path(demo)}")
    fill_application(page, demo, tmp_path)

    page.click("#submit-application")
    page.wait_for_url(f"{live_server.url}/portal/cases/*/")

    assert page.evaluate(KEPT_FORMS_JS) == []


def test_sign_out_forgets_kept_values(browser, live_server, demo):
    page = sign_in(browser, live_server, "applicant")
    page.goto(f"{live_server.url}{apply_path(demo)}")
    # Only signing out removes the values that the language switch keeps for a page.
    page.evaluate("() => sessionStorage.setItem('onestop.form:/x', '[]')")

    page.click("#site-menu summary")
    page.click("#sign-out button")
    page.wait_for_load_state()

    assert page.locator("#sign-out").count() == 0
    assert page.evaluate(KEPT_FORMS_JS) == []


def test_notice_without_javascript(browser, live_server, demo, tmp_path):
    path = apply_path(demo)
    page = sign_in(browser, live_server, "applicant", javascript=False)

    send_after_session_ended(page, live_server, demo, tmp_path, path)
    notice = page.locator("#session-ended")

    assert "Your session ended before the form was sent" in notice.inner_text()
    # Without JavaScript nothing is kept, so the page does not say so.
    assert "The values you typed are kept" not in notice.inner_text()
    sign_in_again(page)
    page.wait_for_url(f"{live_server.url}{path}")
    assert Case.objects.count() == 0


def correction_requested_case(demo):
    """File an application as `applicant` and have the clerk request a correction."""
    matter = Matter.objects.get(centre=demo.centre, pack_id=UNEMPLOYMENT)
    form = {
        **valid_form(matter),
        "field.bank_account": BANK_ACCOUNT,
        **material_files(matter),
    }
    response = demo.client("applicant").post(apply_path(demo), form)
    assert response.status_code == 302, response.content
    case = Case.objects.get()
    response = demo.client("clerk").post(
        f"/api/v1/cases/{case.number}/correction",
        {"items": [{"material": "applicant_id_card", "note": "不清晰"}]},
        content_type="application/json",
    )
    assert response.status_code == 200, response.content
    return case.number


def test_correction_form_keeps_typed_values(browser, live_server, demo, tmp_path):
    number = correction_requested_case(demo)
    path = f"/portal/cases/{number}/"
    scan = tmp_path / "clear-scan.pdf"
    scan.write_bytes(PDF_BYTES)
    page = sign_in(browser, live_server, "applicant")
    page.goto(f"{live_server.url}{path}")
    form = page.locator("#correction-form")
    form.locator("[name='field.former_employer']").fill(EMPLOYER)
    form.locator("#material-applicant_id_card").set_input_files(str(scan))
    page.context.clear_cookies(name="sessionid")

    form.locator("button[type=submit]").click()
    page.wait_for_url(f"{live_server.url}/accounts/login/?next={path}&session_ended=1")
    page.locator("#session-ended .files-to-choose-again").wait_for()
    sign_in_again(page)
    page.wait_for_url(f"{live_server.url}{path}")
    page.locator("#kept-values-restored").wait_for()

    assert form.locator("[name='field.former_employer']").input_value() == EMPLOYER
    assert page.locator(
        "#kept-values-restored .files-to-choose-again li"
    ).all_inner_texts() == [ID_CARD_MATERIAL]
    assert Case.objects.get(number=number).state == CaseState.CORRECTION_REQUESTED


def test_restored_choice_shows_its_conditional_field(
    browser, live_server, demo, tmp_path
):
    driving = "driving-licence-renewal"
    matter = Matter.objects.get(centre=demo.centre, pack_id=driving)
    path = f"/portal/{demo.centre.slug}/matters/{driving}/apply/"
    address = "佛山市禅城区岭南大道北1号"
    page = sign_in(browser, live_server, "applicant")
    page.goto(f"{live_server.url}{path}")
    fill_except_delivery(page, matter, tmp_path, {"licence_number": "440604123456"})
    page.locator("#form-field-delivery label", has_text="邮寄送达").click()
    page.fill("[name='field.delivery_address']", address)
    page.context.clear_cookies(name="sessionid")
    page.click("#submit-application")
    page.wait_for_url(f"{live_server.url}/accounts/login/?next={path}&session_ended=1")

    sign_in_again(page)
    page.wait_for_url(f"{live_server.url}{path}")
    page.locator("#kept-values-restored").wait_for()

    assert page.is_checked("input[name='field.delivery'][value=express]")
    field = page.locator("#field-delivery_address")
    assert field.is_visible()
    assert field.is_enabled()
    assert field.input_value() == address
