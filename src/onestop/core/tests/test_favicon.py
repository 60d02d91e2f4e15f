"""The site's icon: pages name it, and /favicon.ico leads to it instead of a 404."""

from __future__ import annotations

import pytest
from django.test import Client

pytestmark = pytest.mark.django_db


def test_favicon_request_redirects_to_icon():
    response = Client().get("/favicon.ico")
    assert response.status_code == 301
    assert response["Location"].endswith("onestop/favicon.svg")


def test_pages_name_the_icon(demo):
    page = Client().get("/").content.decode()
    assert 'rel="icon"' in page
    assert "onestop/favicon.svg" in page
