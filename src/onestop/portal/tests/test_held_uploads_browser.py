"""In headless Chromium: a form sent without a required field keeps its chosen files
through the error and a language switch, and the next submission files them."""

from __future__ import annotations

import re

from onestop.cases.models import Case, HeldUpload, SubmissionKind
from onestop.catalog.models import Matter
from onestop.portal.tests.test_browser import fill_form, sign_in
from onestop.testing import BROWSER_TEST_MARKS

pytestmark = BROWSER_TEST_MARKS

FOOD = "food-business-licence"


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
    # The browser would not send a form with an empty required field.
    page.evaluate(
        "document.querySelector(\"[name='field.organisation_name']\")"
        ".removeAttribute('required')"
    )
    page.fill("[name='field.organisation_name']", "")

    page.click("#submit-application")
    page.wait_for_load_state()

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
