"""In headless Chromium: a form sent without a required field keeps its chosen files
through the error, a language switch and the end of its session, and the next submission
files them."""

from __future__ import annotations

import re

from onestop.cases.models import Case, HeldUpload, SubmissionKind
from onestop.catalog.models import Matter
from onestop.portal.demo import PASSWORD
from onestop.portal.tests.test_browser import fill_form, sign_in
from onestop.testing import BROWSER_TEST_MARKS, sign_out_in_other_tab

pytestmark = BROWSER_TEST_MARKS

FOOD = "food-business-licence"


def send_without_organisation_name(page):
    """Clear the required organisation name and send the application form."""
    # The browser would not send a form with an empty required field.
    page.evaluate(
        "document.querySelector(\"[name='field.organisation_name']\")"
        ".removeAttribute('required')"
    )
    page.fill("[name='field.organisation_name']", "")
    page.click("#submit-application")
    page.wait_for_load_state()


def send_with_files_kept(page, url, demo, tmp_path):
    """Fill the FOOD form at `url` with a file for each required material and send it
    without the organisation name, so that the server keeps the files.

    Return the names of the required materials by key.
    """
    matter = Matter.objects.get(centre=demo.centre, pack_id=FOOD)
    page.goto(url)
    fill_form(page, matter, tmp_path)
    send_without_organisation_name(page)
    return {
        m["key"]: m["name"]
        for m in matter.current_version.guide.materials
        if m.get("necessity", "required") == "required"
    }


def test_held_file_survives_error_and_language_switch(
    browser, live_server, demo, tmp_path, settings
):
    settings.MEDIA_ROOT = tmp_path / "media"
    matter = Matter.objects.get(centre=demo.centre, pack_id=FOOD)
    required = [
        m["key"]
        for m in matter.current_version.guide.materials
        if m.get("necessity", "required") == "required"
    ]
    page = sign_in(browser, live_server, "applicant")
    page.goto(f"{live_server.url}/portal/{demo.centre.slug}/matters/{FOOD}/apply/")
    fill_form(page, matter, tmp_path)
    page.fill("[name='field.business_items']", "热食类食品制售")

    send_without_organisation_name(page)

    assert page.locator("[data-code]").count() >= 1
    for key in required:
        assert page.locator(f"#held-{key} .held-name").inner_text() == "scan.pdf"
    assert HeldUpload.objects.count() == len(required)

    language = page.locator("html").get_attribute("lang")
    page.click("#language-switch button")
    page.wait_for_load_state()
    assert page.locator("html").get_attribute("lang") != language
    assert re.search(r"[?&]held=", page.url)
    for key in required:
        assert page.locator(f"#held-{key} .held-name").inner_text() == "scan.pdf"
    assert page.input_value("[name='field.business_items']") == "热食类食品制售"

    page.fill("[name='field.organisation_name']", "禅城区一号餐饮店")
    page.click("#submit-application")
    page.wait_for_url(re.compile(r"/portal/cases/\d+/"))

    number = page.locator(".case-number").inner_text()
    case = Case.objects.get(number=number)
    uploads = case.submissions.filter(kind=SubmissionKind.UPLOAD)
    assert sorted(s.material_key for s in uploads) == sorted(required)
    assert {s.original_name for s in uploads} == {"scan.pdf"}
    assert HeldUpload.objects.filter(used_for=case).count() == len(required)


def test_held_files_back_after_sign_in(browser, live_server, demo, tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path / "media"
    path = f"/portal/{demo.centre.slug}/matters/{FOOD}/apply/"
    page = sign_in(browser, live_server, "applicant")
    required = send_with_files_kept(page, f"{live_server.url}{path}", demo, tmp_path)
    for key in required:
        assert page.locator(f"#held-{key} .held-name").inner_text() == "scan.pdf"

    page.fill("[name='field.organisation_name']", "禅城区𠀀号餐饮店")
    sign_out_in_other_tab(page, f"{live_server.url}/portal/")
    page.click("#submit-application")
    page.wait_for_url(f"{live_server.url}/accounts/login/?next={path}&session_ended=1")
    notice = page.locator("#session-ended")
    notice.locator(".held-files-kept").wait_for()

    assert notice.locator(".held-files-kept li").all_inner_texts() == list(
        required.values()
    )
    assert notice.locator(".files-to-choose-again").count() == 0

    page.fill("input[name=username]", "applicant")
    page.fill("input[name=password]", PASSWORD)
    page.click("main button[type=submit]")
    page.wait_for_url(re.compile(r"/apply/\?held="))
    restored = page.locator("#kept-values-restored")
    restored.wait_for()

    assert page.input_value("[name='field.organisation_name']") == "禅城区𠀀号餐饮店"
    for key in required:
        assert page.locator(f"#held-{key} .held-name").inner_text() == "scan.pdf"
    assert restored.locator(".restored-files li").all_inner_texts() == list(
        required.values()
    )
    assert "单位名称" in restored.locator(".restored-values li").all_inner_texts()
    assert restored.locator(".files-to-choose-again").count() == 0
    assert Case.objects.count() == 0

    page.click("#submit-application")
    page.wait_for_url(re.compile(r"/portal/cases/\d+/"))
    case = Case.objects.get()
    uploads = case.submissions.filter(kind=SubmissionKind.UPLOAD)
    assert sorted(s.material_key for s in uploads) == sorted(required)
    assert case.form_data["organisation_name"] == "禅城区𠀀号餐饮店"
