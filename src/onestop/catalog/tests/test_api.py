"""The public catalogue API: centres, matter search and each matter's guide."""

from __future__ import annotations

import pytest
from django.test import Client

from onestop.catalog.models import Matter
from onestop.catalog.overlay import switch_matter

pytestmark = pytest.mark.django_db

FOOD = "food-business-licence"


def test_search_finds_matter_without_login(demo):
    response = Client().get(f"/api/v1/centres/{demo.centre.slug}/matters?q=食品经营")

    assert response.status_code == 200
    assert FOOD in [matter["id"] for matter in response.json()]


def test_guide_names_codes_and_version(demo):
    matter = Matter.objects.get(centre=demo.centre, pack_id=FOOD)
    version = matter.current_version
    assert version is not None

    response = Client().get(f"/api/v1/centres/{demo.centre.slug}/matters/{FOOD}")

    assert response.status_code == 200
    body = response.json()
    assert body["implementation_code"] == matter.implementation_code
    assert body["guide"]["implementation_code"] == matter.implementation_code
    assert body["guide"]["version"] == version.number
    assert body["guide"]["materials"]


def test_unknown_matter_guide_is_not_found(demo):
    response = Client().get(f"/api/v1/centres/{demo.centre.slug}/matters/no-such")

    assert response.status_code == 404
    assert response.json()["code"] == "matter.not_found"


@pytest.mark.parametrize(
    ("language", "shown"),
    [
        (
            "en",
            "has the matter 食品经营许可 (food-business-licence), but it is not open",
        ),
        (
            "zh-hans",
            "设有事项食品经营许可（food-business-licence），但该事项目前不开放申请",
        ),
    ],
)
def test_switched_off_matter_guide_is_not_open(demo, language, shown):
    matter = Matter.objects.get(centre=demo.centre, pack_id=FOOD)
    switch_matter(actor=demo.user("centreadmin"), matter=matter, enabled=False)

    response = Client().get(
        f"/api/v1/centres/{demo.centre.slug}/matters/{FOOD}",
        headers={"Accept-Language": language},
    )

    body = response.json()
    assert response.status_code == 400
    assert body["code"] == "matter.not_open"
    assert shown in body["message"]
    assert body["details"]["matter"] == "food-business-licence"


def test_switched_off_matter_guide_page_says_not_open(demo):
    matter = Matter.objects.get(centre=demo.centre, pack_id=FOOD)
    switch_matter(actor=demo.user("centreadmin"), matter=matter, enabled=False)

    page = Client().get(
        f"/portal/{demo.centre.slug}/matters/{FOOD}/",
        headers={"Accept-Language": "zh-hans"},
    )

    assert page.status_code == 400
    assert "该事项目前不开放申请" in page.content.decode()
