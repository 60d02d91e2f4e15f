"""In headless Chromium at a phone's size: a chosen file over the size limit gets the
server's message at its input at once, and the form is not sent until it is changed."""

from __future__ import annotations

import re

import pytest
from django.utils import translation

from onestop.cases.uploads import UploadTooLarge, check_upload_size
from onestop.catalog.models import Matter
from onestop.core.middleware import request_too_large
from onestop.portal.tests.test_browser import fill_form, sign_in
from onestop.portal.tests.test_keep_form_sign_in_browser import (
    BANK_ACCOUNT,
    UNEMPLOYMENT,
    apply_path,
)
from onestop.testing import BROWSER_TEST_MARKS, PDF_BYTES

pytestmark = BROWSER_TEST_MARKS

ID_CARD = "applicant_id_card"
ID_CARD_NAME = "申请人居民身份证"
PROOF = "termination_proof"
# Limits small enough for the test's files. The server reads them at each request.
MAX_UPLOAD_BYTES = 200_000
MAX_REQUEST_BYTES = 300_000


def pdf_of_size(folder, name, size):
    path = folder / name
    path.write_bytes(PDF_BYTES + b"%" * (size - len(PDF_BYTES)))
    return path


def server_message(name, size, material, language):
    with translation.override(language), pytest.raises(UploadTooLarge) as raised:
        check_upload_size(name, size, material=material)
    with translation.override(language):
        return raised.value.render()


def open_form(browser, live_server, demo, tmp_path, locale=None):
    matter = Matter.objects.get(centre=demo.centre, pack_id=UNEMPLOYMENT)
    page = sign_in(browser, live_server, "applicant", locale=locale)
    page.goto(f"{live_server.url}{apply_path(demo)}")
    fill_form(page, matter, tmp_path)
    page.fill("[name='field.bank_account']", BANK_ACCOUNT)
    return page


def posts_of(page):
    posts = []
    page.on("request", lambda request: request.method == "POST" and posts.append(1))
    return posts


@pytest.mark.parametrize(
    ("locale", "language"), [("en-US", "en"), ("zh-CN", "zh-hans")]
)
def test_large_file_shows_server_message(
    browser, live_server, demo, tmp_path, settings, locale, language
):
    settings.ONESTOP_MAX_UPLOAD_BYTES = MAX_UPLOAD_BYTES
    settings.ONESTOP_MAX_REQUEST_BYTES = MAX_REQUEST_BYTES
    size = MAX_UPLOAD_BYTES + 50_000
    large = pdf_of_size(tmp_path, "large.pdf", size)
    page = open_form(browser, live_server, demo, tmp_path, locale=locale)
    posts = posts_of(page)

    page.set_input_files(f"#material-{ID_CARD}", str(large))
    notice = page.locator(f"#size-error-material-{ID_CARD}")

    assert notice.inner_text() == server_message(
        "large.pdf", size, ID_CARD_NAME, language
    )
    page.click("#submit-application")
    page.wait_for_timeout(500)
    assert posts == []
    assert page.url.endswith(apply_path(demo))


def test_form_sent_once_file_fixed(browser, live_server, demo, tmp_path, settings):
    settings.ONESTOP_MAX_UPLOAD_BYTES = MAX_UPLOAD_BYTES
    settings.ONESTOP_MAX_REQUEST_BYTES = MAX_REQUEST_BYTES
    large = pdf_of_size(tmp_path, "large.pdf", MAX_UPLOAD_BYTES + 1)
    small = pdf_of_size(tmp_path, "small.pdf", 1_000)
    page = open_form(browser, live_server, demo, tmp_path)
    # A form that the browser does not validate is held back by the script alone.
    page.eval_on_selector("#apply-form", "(form) => { form.noValidate = true; }")
    posts = posts_of(page)
    page.set_input_files(f"#material-{ID_CARD}", str(large))
    page.click("#submit-application")
    page.wait_for_timeout(500)
    assert posts == []

    page.set_input_files(f"#material-{ID_CARD}", str(small))
    assert page.locator(f"#size-error-material-{ID_CARD}").count() == 0
    page.click("#submit-application")
    page.wait_for_url(re.compile(r"/portal/cases/\d+/$"))

    assert posts == [1]


def test_request_limit_shown_at_last_input(
    browser, live_server, demo, tmp_path, settings
):
    settings.ONESTOP_MAX_UPLOAD_BYTES = MAX_UPLOAD_BYTES
    settings.ONESTOP_MAX_REQUEST_BYTES = MAX_REQUEST_BYTES
    first = pdf_of_size(tmp_path, "first.pdf", 190_000)
    second = pdf_of_size(tmp_path, "second.pdf", 190_000)
    page = open_form(browser, live_server, demo, tmp_path)
    posts = posts_of(page)
    page.set_input_files(f"#material-{ID_CARD}", str(first))
    assert page.locator(f"#size-error-material-{ID_CARD}").count() == 0

    page.set_input_files(f"#material-{PROOF}", str(second))
    with translation.override("en"):
        expected = request_too_large(380_000).render()

    assert page.locator(f"#size-error-material-{PROOF}").inner_text() == expected
    assert page.locator(f"#size-error-material-{ID_CARD}").count() == 0
    page.click("#submit-application")
    page.wait_for_timeout(500)
    assert posts == []
