"""A person named with an ideograph outside the BMP (𠮷, U+20BB7): the receipt and the
certificate PDFs print it with the fallback font, and the pages that show the name ask
for a font stack that has it."""

from __future__ import annotations

import re

import pytest
from django.contrib.staticfiles import finders
from django.urls import reverse

from onestop.cases.models import CaseDocument
from onestop.cases.tests.test_api_downloads import signed_receipt_url, token_client
from onestop.cases.tests.test_certificate_results import issue_id_card
from onestop.cases.tests.test_receipts import ID_NUMBER
from onestop.certificates.tests.test_font_fallback import (
    RARE_CHAR,
    RARE_NAME,
    assert_printed_with_fallback_font,
    has_extension_font,
)
from onestop.identity.models import Person

pytestmark = pytest.mark.django_db

# The families of the stylesheet that have CJK Extension B, on Debian and on Windows.
EXTENSION_FAMILIES = ['"HanaMinB"', '"SimSun-ExtB"']


@pytest.fixture
def rare_named(demo):
    """The demo applicant, renamed 𠮷田."""
    Person.objects.filter(id_number=ID_NUMBER).update(name=RARE_NAME)
    return demo


@has_extension_font
def test_receipt_prints_rare_surname(rare_named):
    _number, url = signed_receipt_url(rare_named)

    response = token_client("clerk").get(url)

    assert response.status_code == 200
    assert_printed_with_fallback_font(response.content, "𠮷*")


@has_extension_font
def test_certificate_prints_rare_name(rare_named):
    certificate = issue_id_card(rare_named)
    assert certificate.holder_name == RARE_NAME

    response = rare_named.client("applicant").get(
        reverse("portal:certificate-pdf", args=[certificate.identifier])
    )

    assert response.status_code == 200
    assert_printed_with_fallback_font(response.content, RARE_NAME)


def body_font_families() -> list[str]:
    path = finders.find("onestop/onestop.css")
    assert path, "the stylesheet onestop/onestop.css is not found"
    with open(path, encoding="utf-8") as stylesheet:
        css = stylesheet.read()
    rule = re.search(r"\bbody\s*\{[^}]*?font-family:\s*([^;]+);", css)
    assert rule, "the stylesheet sets no font-family on body"
    return [family.strip() for family in rule.group(1).split(",")]


def test_stylesheet_lists_extension_b_fonts():
    families = body_font_families()

    for family in EXTENSION_FAMILIES:
        assert family in families
        assert families.index(family) < families.index("sans-serif")


def pages_about(demo) -> dict[str, tuple[str, str, bool]]:
    """Return each page about the applicant's case or certificate: its URL, the user
    who opens it (none for the public checks) and whether it shows the name."""
    number = signed_receipt_url(demo)[0]
    receipt = CaseDocument.objects.get(
        case__number=number, kind=CaseDocument.Kind.ACCEPTANCE_RECEIPT
    )
    signature = receipt.signature["sig"][:16]
    certificate = issue_id_card(demo)
    return {
        "portal case": (f"/portal/cases/{number}/", "applicant", True),
        "window case": (f"/window/cases/{number}/", "clerk", True),
        "receipt check": (
            reverse("verify-document", args=[receipt.pk, signature]),
            "",
            False,
        ),
        "certificate check": (f"/verify/{certificate.identifier}", "", True),
        "certificates": ("/portal/certificates/", "applicant", False),
    }


def test_name_pages_use_stylesheet_fonts(rare_named, client):
    for page, (url, username, shows_name) in pages_about(rare_named).items():
        browser = rare_named.client(username) if username else client
        response = browser.get(url)
        html = response.content.decode()

        assert response.status_code == 200, page
        assert "onestop/onestop.css" in html, page
        assert "font-family" not in html, f"{page} overrides the font stack"
        assert (RARE_CHAR in html) == shows_name, page
