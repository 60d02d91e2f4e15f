"""Searching the standard catalogue: matters named by the query come first."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.django_db


def search(client, demo, query: str) -> list[str]:
    response = client.get(f"/api/v1/centres/{demo.centre.slug}/matters", {"q": query})
    assert response.status_code == 200, response.content
    return [matter["name"] for matter in response.json()]


def test_name_match_ranks_first(client, demo):
    names = search(client, demo, "身份证")

    assert names[0] == "居民身份证换领"
    assert all("身份证" not in name for name in names[1:])
    assert len(names) > 1


def test_prefix_ranks_above_contains(client, demo):
    names = search(client, demo, "居民")

    assert names[:3] == [
        "居民身份证换领",
        "城乡居民基本养老保险参保登记",
        "城乡居民基本医疗保险参保登记",
    ]


def test_exact_name_ranks_first(client, demo):
    names = search(client, demo, "食品经营许可")

    assert names[0] == "食品经营许可"


def test_every_word_in_name_ranks_first(client, demo):
    names = search(client, demo, "不动产 登记")

    assert names[:2] == ["不动产抵押登记", "不动产转移登记"]


def test_portal_page_lists_name_match_first(client, demo):
    response = client.get(f"/portal/{demo.centre.slug}/matters/", {"q": "身份证"})

    assert response.status_code == 200
    assert response.context["matters"][0].name == "居民身份证换领"
