"""The header menu's links for each staff role, read from the page's HTML."""

from __future__ import annotations

import re

import pytest

pytestmark = pytest.mark.django_db

SUPERVISION_LINKS = ["/supervise/", "/ratings/stats/", "/ratings/rectifications/"]


def menu_links(client):
    page = client.get("/").content.decode()
    menu = re.search(r'<details class="site-menu".*?</details>', page, re.S)
    assert menu is not None
    return re.findall(r'<a href="([^"]+)"', menu.group(0))


@pytest.mark.parametrize("username", ["platform", "supervisor", "centreadmin"])
def test_menu_links_supervision_pages(demo, username):
    links = menu_links(demo.client(username))

    for link in SUPERVISION_LINKS:
        assert link in links


def test_platform_admin_opens_supervision_pages(demo):
    client = demo.client("platform")

    for link in SUPERVISION_LINKS:
        assert client.get(link).status_code == 200, link


def test_clerk_menu_has_no_supervision_links(demo):
    links = menu_links(demo.client("clerk"))

    for link in SUPERVISION_LINKS:
        assert link not in links
