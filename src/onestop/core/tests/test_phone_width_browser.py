"""Every main page at a 390 px wide phone, in headless Chromium: the page never scrolls
sideways, even with a certificate identifier of over 70 characters without a space on it.

A table wider than the phone scrolls inside its own .table-wrap container, which is
allowed: only the width of the page itself is checked here.
"""

from __future__ import annotations

import pytest

from onestop.cases.models import CaseDocument
from onestop.cases.tests.test_certificate_results import (
    BIRTH,
    apply_with_id_card,
    issue_id_card,
)
from onestop.portal.tests.test_browser import sign_in
from onestop.testing import BROWSER_TEST_MARKS

pytestmark = BROWSER_TEST_MARKS

PHONE_WIDTH = 390
PHONE = {"width": PHONE_WIDTH, "height": 844}
SCROLL_WIDTH_JS = "document.scrollingElement.scrollWidth"


@pytest.fixture
def long_identifiers(demo):
    """Issue an ID card certificate and reuse it for a birth registration, so that case
    pages, documents and certificate lists all show its identifier.

    Returns the paths that show it: the birth registration case, the ID card case, its
    result document and the certificate's verification page.
    """
    certificate = issue_id_card(demo)
    response = apply_with_id_card(demo, demo.client("applicant"), certificate)
    assert response.status_code == 201, response.content
    birth = response.json()["number"]
    result = CaseDocument.objects.get(
        case__number=certificate.case_number, kind=CaseDocument.Kind.RESULT
    )
    return {
        "birth": birth,
        "id_card": certificate.case_number,
        "result": f"/portal/cases/{certificate.case_number}/documents/{result.pk}/",
        "verify": f"/verify/{certificate.identifier}",
    }


def overflowing_pages(page, base_url, paths):
    """Return "path: width" for each path whose page is wider than the phone."""
    too_wide = []
    for path in paths:
        response = page.goto(f"{base_url}{path}")
        assert response is not None
        assert response.status < 400, f"{path}: HTTP {response.status}"
        width = page.evaluate(SCROLL_WIDTH_JS)
        if width > PHONE_WIDTH:
            too_wide.append(f"{path}: {width} px")
    return too_wide


def test_applicant_pages_fit_phone(browser, live_server, demo, long_identifiers):
    slug = demo.centre.slug
    paths = [
        "/",
        f"/portal/{slug}/matters/",
        f"/portal/{slug}/matters/{BIRTH}/",
        f"/portal/{slug}/matters/{BIRTH}/apply/",
        "/portal/cases/",
        f"/portal/cases/{long_identifiers['birth']}/",
        f"/portal/cases/{long_identifiers['id_card']}/",
        long_identifiers["result"],
        "/portal/certificates/",
        "/portal/notifications/",
        "/accounts/profile/",
        long_identifiers["verify"],
    ]
    page = sign_in(browser, live_server, "applicant", viewport=PHONE)

    assert overflowing_pages(page, live_server.url, paths) == []


def test_kiosk_pages_fit_phone(browser, live_server, demo, long_identifiers):
    slug = demo.centre.slug
    paths = [
        f"/kiosk/{slug}/matters/",
        f"/kiosk/{slug}/matters/{BIRTH}/apply/",
        f"/kiosk/cases/{long_identifiers['birth']}/",
    ]
    page = sign_in(browser, live_server, "applicant", viewport=PHONE)

    assert overflowing_pages(page, live_server.url, paths) == []


def test_staff_pages_fit_phone(browser, live_server, demo, long_identifiers):
    birth = long_identifiers["birth"]
    paths_by_user = {
        "clerk": [
            "/window/",
            f"/window/cases/{birth}/",
            f"/window/new/{BIRTH}/",
            "/ratings/pads/",
        ],
        "reviewer-public_security": [
            "/office/",
            f"/office/cases/{long_identifiers['id_card']}/",
        ],
        "supervisor": ["/supervise/", "/ratings/stats/", "/ratings/rectifications/"],
        "centreadmin": ["/catalog/", "/staff/", "/ratings/policy/"],
    }

    for username, paths in paths_by_user.items():
        page = sign_in(browser, live_server, username, viewport=PHONE)
        assert overflowing_pages(page, live_server.url, paths) == [], username
