"""Post/Redirect/Get after an application, in headless Chromium, on the portal and the kiosk.

The response to a successful application is a redirect, so the browser ends on the
case page's address and reloading it sends a GET, never the application again. This
holds after a first answer that rejected the form too.
"""

from __future__ import annotations

import re

import pytest

from onestop.catalog.models import Matter
from onestop.portal.tests.test_browser import fill_form, sign_in
from onestop.testing import BROWSER_TEST_MARKS

pytestmark = BROWSER_TEST_MARKS

FOOD = "food-business-licence"


@pytest.mark.parametrize("surface", ["portal", "kiosk"])
def test_application_ends_on_case_page(browser, live_server, demo, tmp_path, surface):
    matter = Matter.objects.get(centre=demo.centre, pack_id=FOOD)
    apply_path = f"/{surface}/{demo.centre.slug}/matters/{FOOD}/apply/"
    page = sign_in(browser, live_server, "applicant")
    page.goto(f"{live_server.url}{apply_path}")
    fill_form(page, matter, tmp_path)
    first_field = matter.current_version.guide.form_fields[0]["key"]
    page.fill(f"[name='field.{first_field}']", "")
    page.eval_on_selector("#apply-form", "(form) => { form.noValidate = true; }")

    with page.expect_navigation() as rejected:
        page.click("#submit-application")
    rejected_url = page.url
    fill_form(page, matter, tmp_path)
    page.click("#submit-application")
    page.wait_for_url(re.compile(rf"/{surface}/cases/\d+/$"))
    methods = []
    page.on("request", lambda request: methods.append(request.method))
    page.reload()

    assert rejected.value.status == 400
    assert rejected_url.endswith(apply_path)
    assert page.locator(".case-number").count() == 1
    assert methods
    assert set(methods) == {"GET"}
