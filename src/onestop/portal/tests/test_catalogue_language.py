"""The note that the catalogue's own text (matter names, field labels, hints, material
names) is in Chinese: once on each page that shows it in English, never in Chinese."""

from __future__ import annotations

import pytest

from onestop.cases.models import Case
from onestop.portal.tests.test_pages import FOOD, submit

pytestmark = pytest.mark.django_db

NOTE = "Service names and forms are in the catalogue's language, Chinese."
NOTE_ID = 'id="catalogue-language"'


def pack_pages(demo):
    slug = demo.centre.slug
    submit(demo)
    number = Case.objects.get().number
    return {
        "applicant": [
            f"/portal/{slug}/matters/",
            f"/portal/{slug}/matters/{FOOD}/",
            f"/portal/{slug}/matters/{FOOD}/apply/",
            f"/kiosk/{slug}/matters/{FOOD}/apply/",
            "/portal/cases/",
            f"/portal/cases/{number}/",
        ],
        "clerk": [
            "/window/",
            f"/window/cases/{number}/",
            f"/window/new/{FOOD}/",
        ],
    }


def test_english_pages_note_catalogue_language(demo):
    for username, paths in pack_pages(demo).items():
        client = demo.client(username)
        for path in paths:
            response = client.get(path, headers={"Accept-Language": "en"})

            assert response.status_code == 200, path
            text = response.content.decode()
            assert text.count(NOTE_ID) == 1, path
            assert NOTE in text, path


def test_chinese_pages_have_no_note(demo):
    for username, paths in pack_pages(demo).items():
        client = demo.client(username)
        client.cookies["django_language"] = "zh-hans"
        for path in paths:
            response = client.get(path, headers={"Accept-Language": "zh-hans"})

            assert response.status_code == 200, path
            assert NOTE_ID not in response.content.decode(), path
