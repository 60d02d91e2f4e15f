"""In headless Chromium on a phone-sized window, 邮寄地址 shows only for 邮寄送达."""

from __future__ import annotations

from onestop.cases.models import Case
from onestop.catalog.models import Matter
from onestop.portal.tests.test_browser import sign_in
from onestop.testing import (
    BROWSER_TEST_MARKS,
    PDF_BYTES,
    choose_in_page,
    sample_value,
)

pytestmark = BROWSER_TEST_MARKS

ID_CARD = "id-card-renewal"
PHONE = {"width": 360, "height": 740}


def fill_except_delivery(page, matter, tmp_path, typed=None):
    """Fill every field but 领取方式 and 邮寄地址, and choose every required file.

    `typed` gives the values of fields whose sample does not fit, by key.
    """
    typed = typed or {}
    for field in matter.current_version.guide.form_fields:
        if field["key"] in ("delivery", "delivery_address"):
            continue
        selector = f"[name='field.{field['key']}']"
        if field.get("type") == "select":
            choose_in_page(page, field, sample_value(field))
        elif field["key"] in typed:
            page.fill(selector, typed[field["key"]])
        elif not page.input_value(selector):
            page.fill(selector, sample_value(field))
    scan = tmp_path / "scan.pdf"
    scan.write_bytes(PDF_BYTES)
    for material in matter.current_version.guide.materials:
        if material.get("necessity", "required") == "required":
            page.set_input_files(f"input[name='material.{material['key']}']", str(scan))


def test_address_follows_delivery_choice(browser, live_server, demo, tmp_path):
    matter = Matter.objects.get(centre=demo.centre, pack_id=ID_CARD)
    page = sign_in(browser, live_server, "applicant", viewport=PHONE, locale="zh-CN")
    page.goto(f"{live_server.url}/portal/{demo.centre.slug}/matters/{ID_CARD}/apply/")
    address = page.locator("#field-delivery_address")

    assert not address.is_visible()
    page.check("input[name='field.delivery'][value=express]")
    assert address.is_visible()
    box = address.bounding_box()
    assert box is not None
    assert box["x"] + box["width"] <= PHONE["width"]
    assert page.locator("#form-field-delivery_address .condition-hint").is_visible()

    address.fill("佛山市禅城区祖庙路1号")
    page.check("input[name='field.delivery'][value=window]")
    assert not address.is_visible()
    assert address.is_disabled()

    fill_except_delivery(page, matter, tmp_path)
    page.click("#submit-application")
    page.wait_for_url("**/portal/cases/**")

    case = Case.objects.get(matter__pack_id=ID_CARD)
    assert case.form_data["delivery"] == "window"
    assert "delivery_address" not in case.form_data


def test_address_shows_without_javascript(browser, live_server, demo):
    page = sign_in(browser, live_server, "applicant", viewport=PHONE, javascript=False)
    page.goto(f"{live_server.url}/portal/{demo.centre.slug}/matters/{ID_CARD}/apply/")

    assert page.locator("#field-delivery_address").is_visible()
    assert page.locator("#form-field-delivery_address .condition-hint").is_visible()
