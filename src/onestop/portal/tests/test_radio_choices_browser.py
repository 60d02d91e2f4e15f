"""In headless Chromium: 领取方式 of the driving licence renewal shows as radio buttons,
which take a tap on their labels and the arrow keys, show 邮寄地址 only for 邮寄送达,
and keep the choice after an error. On a phone and on a kiosk."""

from __future__ import annotations

from onestop.cases.models import Case
from onestop.catalog.models import Matter
from onestop.kiosk.tests.test_touch_layout_browser import (
    SMALL_TARGETS_JS,
    kiosk_page,
)
from onestop.portal.tests.test_browser import sign_in
from onestop.portal.tests.test_conditional_field_browser import fill_except_delivery
from onestop.testing import BROWSER_TEST_MARKS

pytestmark = BROWSER_TEST_MARKS

DRIVING = "driving-licence-renewal"
PHONE = {"width": 360, "height": 740}
# Phones and other touch screens make a radio button and its label at least 44 px high.
MIN_PHONE_TARGET_PX = 44
MIN_KIOSK_TARGET_PX = 48
WINDOW = "input[name='field.delivery'][value=window]"
EXPRESS = "input[name='field.delivery'][value=express]"


def test_phone_radio_group_drives_address(browser, live_server, demo, tmp_path):
    matter = Matter.objects.get(centre=demo.centre, pack_id=DRIVING)
    page = sign_in(browser, live_server, "applicant", viewport=PHONE, locale="zh-CN")
    page.goto(f"{live_server.url}/portal/{demo.centre.slug}/matters/{DRIVING}/apply/")
    address = page.locator("#field-delivery_address")
    group = page.locator("#form-field-delivery fieldset")

    assert group.locator("legend").inner_text().startswith("领取方式")
    assert not address.is_visible()
    for label in ("窗口领取", "邮寄送达"):
        box = group.locator("label", has_text=label).bounding_box()
        assert box is not None
        assert box["height"] >= MIN_PHONE_TARGET_PX, label
        assert box["x"] + box["width"] <= PHONE["width"], label

    group.locator("label", has_text="邮寄送达").click()
    assert page.is_checked(EXPRESS)
    assert address.is_visible()

    page.focus(EXPRESS)
    page.keyboard.press("ArrowUp")
    assert page.is_checked(WINDOW)
    assert not address.is_visible()
    assert address.is_disabled()
    page.keyboard.press("ArrowDown")
    assert page.is_checked(EXPRESS)
    assert address.is_visible()

    fill_except_delivery(page, matter, tmp_path, {"licence_number": "440604123456"})
    # The page prefills the address from the profile, and the error needs it empty.
    address.fill("")
    page.click("#submit-application")
    page.wait_for_load_state()

    assert page.locator("#form-field-delivery_address .field-error").is_visible()
    assert page.is_checked(EXPRESS)
    assert address.is_visible()
    assert not Case.objects.filter(matter__pack_id=DRIVING).exists()


def test_kiosk_radio_labels_are_touch_sized(browser, live_server, demo):
    page = kiosk_page(browser, live_server, "applicant")
    page.goto(f"{live_server.url}/kiosk/{demo.centre.slug}/matters/{DRIVING}/apply/")
    address = page.locator("#field-delivery_address")

    assert page.evaluate(SMALL_TARGETS_JS, MIN_KIOSK_TARGET_PX) == []
    radio_box = page.locator(EXPRESS).bounding_box()
    assert radio_box is not None
    assert radio_box["height"] >= MIN_KIOSK_TARGET_PX
    page.locator("#form-field-delivery label", has_text="邮寄送达").click()
    assert page.is_checked(EXPRESS)
    assert address.is_visible()
