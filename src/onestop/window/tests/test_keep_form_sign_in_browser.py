"""In headless Chromium: the clerk's forms keep their values when the clerk's session ends
before they are sent, and fill them in again after the clerk signs in.

The walk-in form appears only after the clerk identifies the applicant with a POST, so
after signing in the page sends the identification again before it fills in the rest.
"""

from __future__ import annotations

from django.contrib.auth import get_user_model

from onestop.cases.models import Case, CaseState
from onestop.catalog.models import Matter
from onestop.core.models import Membership, Role
from onestop.portal.demo import PASSWORD
from onestop.portal.tests.test_browser import sign_in
from onestop.testing import (
    BROWSER_TEST_MARKS,
    PDF_BYTES,
    choose_in_page,
    material_files,
    sample_value,
    sign_out_in_other_tab,
    valid_form,
)

pytestmark = BROWSER_TEST_MARKS

FOOD = "food-business-licence"
APPLICANT_ID = "440604198503150024"
ORGANISATION = "禅城区𠀀老街小食店"
NOTE = "营业执照复印件不清晰"
KEPT_FORMS_JS = (
    "() => Object.keys(sessionStorage).filter((key) => key.startsWith('onestop.form:'))"
)


def sign_in_again(page, username="clerk"):
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", PASSWORD)
    page.click("main button[type=submit]")


def materials(demo):
    matter = Matter.objects.get(centre=demo.centre, pack_id=FOOD)
    return matter.current_version.guide.materials


def identified_walk_in(browser, live_server, demo):
    """Open the walk-in form of FOOD as the clerk, identify the applicant and fill in
    every form field that the applicant's profile left empty."""
    page = sign_in(
        browser, live_server, "clerk", viewport={"width": 1366, "height": 768}
    )
    page.goto(f"{live_server.url}/window/new/{FOOD}/")
    page.fill("input[name=id_number]", APPLICANT_ID)
    page.click("#identify-form button[type=submit]")
    page.wait_for_selector("#window-form")
    matter = Matter.objects.get(centre=demo.centre, pack_id=FOOD)
    for field in matter.current_version.guide.form_fields:
        value = sample_value(field)
        if field.get("type") == "select":
            choose_in_page(page, field, value)
        elif not page.input_value(f"[name='field.{field['key']}']"):
            page.fill(f"[name='field.{field['key']}']", value)
    return page


def test_walk_in_form_restored_after_sign_in(browser, live_server, demo, tmp_path):
    path = f"/window/new/{FOOD}/"
    scan = tmp_path / "scan.pdf"
    scan.write_bytes(PDF_BYTES)
    first, *others = materials(demo)
    page = identified_walk_in(browser, live_server, demo)
    page.select_option("#window-form select[name=window]", "4")
    page.fill("[name='field.organisation_name']", ORGANISATION)
    for material in [first, *others]:
        page.check(f"[name='check.{material['key']}.original_seen']")
    page.check(f"[name='check.{first['key']}.copy_taken']")
    page.set_input_files(f"[name='material.{first['key']}']", str(scan))
    sign_out_in_other_tab(page, f"{live_server.url}/window/")

    page.click("#accept-case")
    page.wait_for_url(f"{live_server.url}/accounts/login/?next={path}&session_ended=1")
    notice = page.locator("#session-ended")
    notice.locator(".files-to-choose-again").wait_for()

    assert "The values you typed are kept" in notice.inner_text()
    assert notice.locator(".files-to-choose-again li").all_inner_texts() == [
        first["name"]
    ]

    sign_in_again(page)
    restored = page.locator("#kept-values-restored")
    restored.wait_for()

    assert page.locator("#window-form").count() == 1
    assert page.input_value("#identify-form input[name=id_number]") == APPLICANT_ID
    assert APPLICANT_ID not in page.url
    assert page.input_value("[name='field.organisation_name']") == ORGANISATION
    assert page.input_value("#window-form select[name=window]") == "4"
    for material in [first, *others]:
        assert page.is_checked(f"[name='check.{material['key']}.original_seen']")
    assert page.is_checked(f"[name='check.{first['key']}.copy_taken']")
    for material in others:
        assert not page.is_checked(f"[name='check.{material['key']}.copy_taken']")
    values = restored.locator(".restored-values li").all_inner_texts()
    assert "Applicant's resident ID number" in values
    assert "Window" in values
    assert f"{first['name']}: original seen" in values
    assert f"{first['name']}: copy taken" in values
    assert f"{others[0]['name']}: copy taken" not in values
    assert restored.locator(".files-to-choose-again li").all_inner_texts() == [
        first["name"]
    ]
    assert Case.objects.count() == 0

    page.click("#accept-case")
    page.wait_for_url(f"{live_server.url}/window/cases/*/")
    case = Case.objects.get()
    assert case.created_by == demo.user("clerk")
    assert case.form_data["organisation_name"] == ORGANISATION


def test_walk_in_values_not_for_other_clerk(browser, live_server, demo):
    path = f"/window/new/{FOOD}/"
    other = get_user_model().objects.create_user("clerk-2", password=PASSWORD)
    Membership.objects.create(user=other, centre=demo.centre, role=Role.CLERK)
    page = identified_walk_in(browser, live_server, demo)
    page.fill("[name='field.organisation_name']", ORGANISATION)
    sign_out_in_other_tab(page, f"{live_server.url}/window/")

    page.click("#accept-case")
    page.wait_for_url(f"{live_server.url}/accounts/login/?next={path}&session_ended=1")
    sign_in_again(page, "clerk-2")
    page.wait_for_url(f"{live_server.url}{path}")
    page.wait_for_load_state()

    assert page.locator("#kept-values-restored").count() == 0
    assert page.locator("#window-form").count() == 0
    assert page.input_value("#identify-form input[name=id_number]") == ""
    assert page.evaluate(KEPT_FORMS_JS) == []


def submitted_case(demo):
    """File an application of FOOD as `applicant` and return its number."""
    matter = Matter.objects.get(centre=demo.centre, pack_id=FOOD)
    form = {**valid_form(matter), **material_files(matter)}
    path = f"/portal/{demo.centre.slug}/matters/{FOOD}/apply/"
    response = demo.client("applicant").post(path, form)
    assert response.status_code == 302, response.content
    return Case.objects.get().number


def test_check_form_restored_after_sign_in(browser, live_server, demo):
    number = submitted_case(demo)
    path = f"/window/cases/{number}/"
    first = materials(demo)[0]
    page = sign_in(
        browser, live_server, "clerk", viewport={"width": 1366, "height": 768}
    )
    page.goto(f"{live_server.url}{path}")
    form = page.locator("#check-form")
    form.locator(f"[name='check.{first['key']}.original_seen']").check()
    form.locator(f"[name='missing.{first['key']}']").check()
    form.locator(f"[name='note.{first['key']}']").fill(NOTE)
    sign_out_in_other_tab(page, f"{live_server.url}/window/")

    page.click("#request-correction")
    page.wait_for_url(f"{live_server.url}/accounts/login/?next={path}&session_ended=1")
    assert "The values you typed are kept" in page.inner_text("#session-ended")
    sign_in_again(page)
    page.wait_for_url(f"{live_server.url}{path}")
    restored = page.locator("#kept-values-restored")
    restored.wait_for()

    assert form.locator(f"[name='check.{first['key']}.original_seen']").is_checked()
    assert form.locator(f"[name='missing.{first['key']}']").is_checked()
    assert form.locator(f"[name='note.{first['key']}']").input_value() == NOTE
    values = restored.locator(".restored-values li").all_inner_texts()
    assert f"{first['name']}: missing" in values
    assert f"{first['name']}: what is missing or wrong" in values
    assert Case.objects.get(number=number).state == CaseState.SUBMITTED
