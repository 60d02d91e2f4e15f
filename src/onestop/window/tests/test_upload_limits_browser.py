"""In headless Chromium: a file over the size limit, chosen at the window's material
checklist, gets the server's message at once and is not sent."""

from __future__ import annotations

from onestop.catalog.models import Matter
from onestop.portal.tests.test_browser import sign_in
from onestop.portal.tests.test_upload_limits_browser import (
    MAX_UPLOAD_BYTES,
    pdf_of_size,
    posts_of,
    server_message,
)
from onestop.testing import BROWSER_TEST_MARKS, current_version

pytestmark = BROWSER_TEST_MARKS

FOOD = "food-business-licence"


def test_checklist_file_over_limit(browser, live_server, demo, tmp_path, settings):
    settings.ONESTOP_MAX_UPLOAD_BYTES = MAX_UPLOAD_BYTES
    size = MAX_UPLOAD_BYTES + 1
    large = pdf_of_size(tmp_path, "large.pdf", size)
    material = current_version(
        Matter.objects.get(centre=demo.centre, pack_id=FOOD)
    ).guide.materials[0]
    clerk = sign_in(browser, live_server, "clerk")
    clerk.goto(f"{live_server.url}/window/new/{FOOD}/")
    clerk.fill("input[name=id_number]", "440604198503150024")
    clerk.click("text=/识别|Identify/")
    posts = posts_of(clerk)

    clerk.set_input_files(f"input[name='material.{material['key']}']", str(large))
    notice = clerk.locator(f"[id='size-error-material.{material['key']}']")

    assert notice.inner_text() == server_message(
        "large.pdf", size, material["name"], "en"
    )
    clerk.click("#accept-case")
    clerk.wait_for_timeout(500)
    assert posts == []
