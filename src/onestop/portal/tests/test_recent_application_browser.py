"""In headless Chromium: a second application with a disguised file, while the first
is open, shows the file's error at its material beside the notice of the open case."""

from __future__ import annotations

import re

from onestop.cases.models import Case
from onestop.catalog.models import Matter
from onestop.portal.tests.test_browser import fill_form, sign_in
from onestop.testing import BROWSER_TEST_MARKS, PNG_BYTES

pytestmark = BROWSER_TEST_MARKS

ID_CARD = "id-card-renewal"


def test_disguised_file_shown_beside_open_case(browser, live_server, demo, tmp_path):
    matter = Matter.objects.get(centre=demo.centre, pack_id=ID_CARD)
    apply_url = f"{live_server.url}/portal/{demo.centre.slug}/matters/{ID_CARD}/apply/"
    page = sign_in(browser, live_server, "applicant", locale="zh-CN")
    page.goto(apply_url)
    fill_form(page, matter, tmp_path)
    page.click("#submit-application")
    page.wait_for_url(re.compile(r"/portal/cases/\d+/"))
    number = Case.objects.get().number
    disguised = tmp_path / "png-renamed.pdf"
    disguised.write_bytes(PNG_BYTES)

    page.goto(apply_url)
    fill_form(page, matter, tmp_path)
    page.set_input_files("input[name='material.household_register']", str(disguised))
    page.click("#submit-application")
    page.wait_for_load_state()

    material = page.locator("#material-block-household_register")
    assert "png-renamed.pdf 的名称与内容不符" in material.inner_text()
    assert page.locator("#recent-application").is_visible()
    assert number in page.locator("#recent-application").inner_text()
    assert page.locator("a[href='#repeat-choice']").is_visible()
    assert "只需重新选择上面指出的文件" in page.locator("#kept-notice").inner_text()
    assert Case.objects.count() == 1
