"""The banner after a window acceptance follows the acceptance receipt: it shows that the
receipt is being prepared until the worker has signed it, and then that it is ready."""

from __future__ import annotations

import pytest

from onestop.cases.models import Case
from onestop.cases.tests.test_receipts import apply_online
from onestop.core import outbox

pytestmark = pytest.mark.django_db

PENDING = "Accepted; the receipt is being prepared."
READY = "Accepted; the acceptance receipt is ready under Documents."


def accept(demo, number: str):
    """Accept the online case `number` at window 3, with every original seen, and
    return the clerk's client, whose next page shows the banner."""
    clerk = demo.client("clerk")
    case = Case.objects.get(number=number)
    data = {"action": "accept", "window": "3"}
    for material in case.matter_version.guide.materials:
        data[f"check.{material['key']}.original_seen"] = "on"
    response = clerk.post(f"/window/cases/{number}/", data)
    assert response.status_code == 302, response.content
    return clerk


def test_banner_pending_polls_with_banner(demo):
    number = apply_online(demo)
    clerk = accept(demo, number)

    page = clerk.get(f"/window/cases/{number}/").content.decode()

    assert (
        f'<li id="receipt-banner" class="success" role="status">{PENDING}</li>' in page
    )
    assert f'hx-get="/portal/cases/{number}/documents/?banner=1"' in page


def test_banner_ready_when_page_opens_after_receipt(demo):
    number = apply_online(demo)
    clerk = accept(demo, number)
    outbox.drain()

    page = clerk.get(f"/window/cases/{number}/").content.decode()

    assert f'<li id="receipt-banner" class="success" role="status">{READY}</li>' in page
    assert PENDING not in page
    assert "hx-get" not in page


def test_poll_with_banner_replaces_it_out_of_band(demo):
    number = apply_online(demo)
    clerk = accept(demo, number)
    outbox.drain()

    fragment = clerk.get(f"/portal/cases/{number}/documents/?banner=1")

    assert 'id="receipt-banner"' in fragment.content.decode()
    assert 'hx-swap-oob="true"' in fragment.content.decode()
    assert READY in fragment.content.decode()


def test_poll_without_banner_has_no_banner(demo):
    number = apply_online(demo)
    accept(demo, number)
    outbox.drain()

    fragment = demo.client("applicant").get(f"/portal/cases/{number}/documents/")

    assert "receipt-banner" not in fragment.content.decode()


def test_chinese_banner_ready(demo):
    number = apply_online(demo)
    clerk = accept(demo, number)
    outbox.drain()

    page = clerk.get(
        f"/window/cases/{number}/", headers={"Accept-Language": "zh-hans"}
    ).content.decode()

    assert "已受理，受理回执已生成，见“文书”。" in page
