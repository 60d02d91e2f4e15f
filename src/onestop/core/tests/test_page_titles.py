"""Every main page has its own <title>, "page name · OneStop", for each demo role.

Screen readers announce the title first and browsers list tabs by it, so two pages that
share one title cannot be distinguished."""

from __future__ import annotations

import html
import re

import pytest
from django.test import Client

from onestop.cases.tests.test_certificate_results import issue_id_card

pytestmark = pytest.mark.django_db

FOOD = "food-business-licence"
TITLE = re.compile(r"<title>(.*?)</title>", re.S)


def page_title(client, url):
    response = client.get(url, follow=True)
    assert response.status_code == 200, url
    found = TITLE.search(response.content.decode())
    assert found, url
    return html.unescape(found.group(1)).strip()


def pages_by_role(demo, certificate):
    case_number = certificate.case_number
    matters = f"/portal/{demo.centre.slug}/matters/"
    return {
        None: [
            "/",
            "/accounts/login/",
            "/accounts/register/",
            "/ratings/public/",
            f"/verify/{certificate.identifier}",
        ],
        "applicant": [
            "/",
            matters,
            f"{matters}{FOOD}/",
            f"{matters}{FOOD}/apply/",
            "/portal/cases/",
            f"/portal/cases/{case_number}/",
            "/portal/notifications/",
            "/portal/certificates/",
            "/accounts/profile/",
            "/accounts/password/",
            "/accounts/enterprises/",
        ],
        "clerk": [
            "/window/",
            f"/window/new/{FOOD}/",
            "/window/cases/",
            f"/window/cases/{case_number}/",
            "/window/register/",
            "/window/password-reset/",
            "/window/applicant-account/",
            "/window/agencies/",
            "/ratings/visits/new/",
            "/ratings/pads/",
        ],
        "reviewer-public_security": [
            "/office/",
            f"/office/cases/{case_number}/",
            "/ratings/rectifications/",
        ],
        "supervisor": ["/supervise/", "/ratings/stats/", "/ratings/rectifications/"],
        "centreadmin": [
            "/catalog/",
            "/staff/",
            "/windows/",
            "/ratings/policy/",
            "/ratings/pads/",
            "/supervise/",
        ],
    }


@pytest.mark.parametrize("language", ["en", "zh-hans"])
def test_titles_distinct_for_each_role(demo, language):
    certificate = issue_id_card(demo)
    brand = " · OneStop"

    for username, urls in pages_by_role(demo, certificate).items():
        client = demo.client(username) if username else Client()
        client.cookies["django_language"] = language
        titles = {url: page_title(client, url) for url in urls}

        for url, title in titles.items():
            assert title.endswith(brand), (username, url, title)
            assert title.removesuffix(brand).strip(), (username, url, title)
        duplicates = {
            url: title
            for url, title in titles.items()
            if list(titles.values()).count(title) > 1
        }
        assert duplicates == {}, username


def test_title_in_current_language(demo):
    client = demo.client("applicant")

    english = page_title(client, "/portal/cases/")
    client.cookies["django_language"] = "zh-hans"
    chinese = page_title(client, "/portal/cases/")

    assert english == "My cases · OneStop"
    assert chinese == "我的办件 · OneStop"
