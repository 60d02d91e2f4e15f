"""The clerk's material checklist keeps optional materials (非必要) apart, under a
heading stating that a tick records the material as provided."""

from __future__ import annotations

import pytest

from onestop.catalog.models import Matter
from onestop.testing import current_version

pytestmark = pytest.mark.django_db

FOOD = "food-business-licence"
DIVORCE = "divorce-registration"
APPLICANT_ID = "440604198503150024"
HEADING = {
    "en": "Optional materials: tick only those the applicant provided. A tick "
    "records the material as provided in the case.",
    "zh-hans": "非必要材料：只勾选申请人实际提交的材料。勾选即在办件中记录该材料已提交。",
}


def checklist_page(demo, language: str, matter: str = FOOD) -> str:
    client = demo.client("clerk")
    client.cookies["django_language"] = language
    response = client.post(
        f"/window/new/{matter}/", {"step": "identify", "id_number": APPLICANT_ID}
    )
    assert response.status_code == 200
    return response.content.decode()


def row_position(page: str, material: dict) -> int:
    return page.index(f'name="check.{material["key"]}.original_seen"')


@pytest.mark.parametrize("language", ["en", "zh-hans"])
def test_optional_materials_under_heading(demo, language):
    matter = Matter.objects.get(centre=demo.centre, pack_id=FOOD)
    materials = current_version(matter).guide.materials
    optional = [m for m in materials if m["necessity"] == "optional"]
    needed = [m for m in materials if m["necessity"] != "optional"]
    page = checklist_page(demo, language)
    group = page.index('<tbody class="optional-materials">')
    heading = page.index(HEADING[language])

    assert {m["name"] for m in optional} == {"经办人居民身份证", "授权委托书"}
    assert needed
    assert group < heading
    for material in needed:
        assert row_position(page, material) < group, material["key"]
    for material in optional:
        assert row_position(page, material) > heading, material["key"]
    assert page.count('<tbody class="optional-materials">') == 1


def test_matter_without_optional_has_no_heading(demo):
    matter = Matter.objects.get(centre=demo.centre, pack_id=DIVORCE)
    materials = current_version(matter).guide.materials

    page = checklist_page(demo, "en", DIVORCE)

    assert materials
    assert all(m["necessity"] != "optional" for m in materials)
    for material in materials:
        assert f'name="check.{material["key"]}.original_seen"' in page
    assert "optional-materials" not in page
    assert HEADING["en"] not in page
