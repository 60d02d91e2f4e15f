"""load_pack reads folders and .zip files alike and fills in every optional key."""

from __future__ import annotations

import copy
import json
import shutil
import zipfile

import pytest

from onestop.catalog.packs import STANDARD_PACK_DIR, InvalidPack, load_pack


def test_folder_and_zip_give_same_matters(tmp_path):
    archive = shutil.make_archive(str(tmp_path / "standard"), "zip", STANDARD_PACK_DIR)

    from_folder = load_pack(STANDARD_PACK_DIR)
    from_zip = load_pack(archive)

    assert from_zip.matters == from_folder.matters
    assert from_zip.metadata == from_folder.metadata
    assert from_zip.certificate_types == from_folder.certificate_types


def test_zip_with_one_top_folder_loads(tmp_path):
    archive = tmp_path / "nested.zip"
    with zipfile.ZipFile(archive, "w") as bundle:
        for path in sorted(STANDARD_PACK_DIR.rglob("*.yaml")):
            name = "standard/" + path.relative_to(STANDARD_PACK_DIR).as_posix()
            bundle.write(path, name)

    pack = load_pack(archive)

    assert len(pack.matters) == len(load_pack(STANDARD_PACK_DIR).matters)


def test_invalid_pack_raises_with_every_error(small_pack, edit_matter):
    def break_matter(matter: dict) -> None:
        matter["department"] = "nobody"
        matter["materials"][0]["colour"] = "red"

    edit_matter("food-business-licence", break_matter)

    with pytest.raises(InvalidPack) as raised:
        load_pack(small_pack)

    assert raised.value.code == "catalog_pack.invalid"
    assert len(raised.value.errors) == 2
    assert "onestop pack validate" in raised.value.render()


def test_optional_keys_get_defaults(small_pack, edit_matter):
    def strip_optional(matter: dict) -> None:
        for key in ["faqs", "special_procedures", "quantity_limit", "supports"]:
            matter.pop(key, None)
        matter["materials"][0].pop("copies")
        matter["form_fields"][0].pop("required")

    edit_matter("food-business-licence", strip_optional)

    matter = load_pack(small_pack).matter("food-business-licence")

    assert matter is not None
    assert matter["faqs"] == []
    assert matter["special_procedures"] == []
    assert matter["quantity_limit"] is None
    assert matter["supports"] == {
        "appointment": False,
        "express_delivery": False,
        "online_payment": False,
    }
    assert matter["materials"][0]["copies"] == 1
    assert matter["materials"][0]["certificate_type"] is None
    assert matter["form_fields"][0]["required"] is False
    assert matter["guide_only"] is False


def test_bundles_are_empty_and_kept_apart(small_pack):
    pack = load_pack(small_pack)

    assert pack.bundles == []
    assert "bundles" not in pack.metadata


def test_matter_json_serialised_once(monkeypatch):
    pack = load_pack(STANDARD_PACK_DIR)
    matter = pack.matters[0]
    calls = []

    def dumps(value: object) -> str:
        calls.append(value)
        return "serialised"

    monkeypatch.setattr(json, "dumps", dumps)

    first = pack.matter_json(matter)
    second = pack.matter_json(matter)

    assert (first, second) == ("serialised", "serialised")
    assert len(calls) == 1


def test_matter_json_equals_json_dumps():
    pack = load_pack(STANDARD_PACK_DIR)

    for matter in pack.matters:
        assert pack.matter_json(matter) == json.dumps(matter)


def test_matter_json_not_cached_for_other_dict():
    pack = load_pack(STANDARD_PACK_DIR)
    pack.matter_json(pack.matters[0])
    changed = {**pack.matters[0], "name": "另一个名称"}

    assert json.loads(pack.matter_json(changed))["name"] == "另一个名称"


def test_matter_json_cache_left_out_of_copy():
    pack = load_pack(STANDARD_PACK_DIR)
    pack.matter_json(pack.matters[0])
    changed = copy.deepcopy(pack)
    changed.matters[0]["name"] = "另一个名称"

    assert json.loads(changed.matter_json(changed.matters[0]))["name"] == "另一个名称"
    assert json.loads(pack.matter_json(pack.matters[0]))["name"] != "另一个名称"
