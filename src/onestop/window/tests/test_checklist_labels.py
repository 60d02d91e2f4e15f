"""The clerk's material checklist names the material and the check of every control.

A table row's cells do not label the controls in them, so a screen reader would read
"check box, not checked" for every box of every material without the aria-label."""

from __future__ import annotations

from html.parser import HTMLParser

import pytest

from onestop.catalog.models import Matter
from onestop.testing import current_version

pytestmark = pytest.mark.django_db

FOOD = "food-business-licence"
APPLICANT_ID = "440604198503150024"
CHECKS = {
    "en": {
        "original_seen": "original seen",
        "copy_taken": "copy taken",
        "material": "electronic copy",
    },
    "zh-hans": {
        "original_seen": "已核验原件",
        "copy_taken": "已收取复印件",
        "material": "电子版文件",
    },
}


class ChecklistControls(HTMLParser):
    """Collects the aria-label of each input of the checklist table by its name.

    Certificate radio buttons are left out: each sits inside a <label> of its own."""

    def __init__(self) -> None:
        super().__init__()
        self.in_checklist = False
        self.labels: dict[str, str | None] = {}

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if tag == "table" and "checklist" in (attributes.get("class") or ""):
            self.in_checklist = True
        elif (
            tag == "input"
            and self.in_checklist
            and attributes.get("name")
            and attributes.get("type") != "radio"
        ):
            self.labels[attributes["name"]] = attributes.get("aria-label")

    def handle_endtag(self, tag):
        if tag == "table":
            self.in_checklist = False


def checklist_labels(demo, language):
    client = demo.client("clerk")
    client.cookies["django_language"] = language
    response = client.post(
        f"/window/new/{FOOD}/", {"step": "identify", "id_number": APPLICANT_ID}
    )
    assert response.status_code == 200
    parser = ChecklistControls()
    parser.feed(response.content.decode())
    return parser.labels


@pytest.mark.parametrize("language", ["en", "zh-hans"])
def test_checklist_controls_name_material(demo, language):
    matter = Matter.objects.get(centre=demo.centre, pack_id=FOOD)
    materials = current_version(matter).guide.materials
    labels = checklist_labels(demo, language)

    assert materials
    for material in materials:
        key = material["key"]
        for check, words in CHECKS[language].items():
            name = f"material.{key}" if check == "material" else f"check.{key}.{check}"
            label = labels.get(name)
            assert label, name
            assert material["name"] in label, (name, label)
            assert words in label, (name, label)


def test_checklist_labels_distinct(demo):
    labels = checklist_labels(demo, "en")
    values = [label for label in labels.values() if label]

    assert len(values) == len(labels)
    assert len(set(values)) == len(values)
