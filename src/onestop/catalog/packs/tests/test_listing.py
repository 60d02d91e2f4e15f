"""import_listing turns a county's published listing into a valid guide-only pack."""

from __future__ import annotations

import json
from io import StringIO
from pathlib import Path

import pytest
import yaml
from django.core.management import CommandError, call_command
from django.utils import translation

from onestop.catalog.packs import load_pack
from onestop.catalog.packs.listing import ListingImportFailed, import_listing
from onestop.core.tests.test_progress import assert_rises_to_total

REPO = next(
    p for p in Path(__file__).resolve().parents if (p / "pyproject.toml").exists()
)
LISTING = REPO / "src/onestop/catalog/packs/listings/guang-an-district-511602.json"
MAPPING = REPO / "src/onestop/catalog/packs/mappings/guang-an-511602.yaml"


@pytest.fixture(scope="module")
def imported(tmp_path_factory):
    out = tmp_path_factory.mktemp("import") / "guang-an"
    report = import_listing(LISTING, MAPPING, out)
    return report, load_pack(out)


def test_import_keeps_every_listed_item(imported):
    report, pack = imported

    assert report.matter_count == 1135
    assert len(pack.matters) == 1135
    assert len(report.roles) == 34


def test_imported_matters_are_guide_only(imported):
    _report, pack = imported

    assert all(matter["guide_only"] for matter in pack.matters)
    assert all(matter["materials"] == [] for matter in pack.matters)


def test_import_keeps_codes_and_maps_types(imported):
    _report, pack = imported
    matter = pack.matter("512020001001-511602000000-000-11511301008778423h-1-00")

    assert matter is not None
    assert matter["name"] == "养蜂证申领"
    assert matter["basic_code"] == "512020001001"
    assert matter["implementation_code"] == (
        "512020001001-511602000000-000-11511301008778423H-1-00"
    )
    assert matter["type"] == "public_service"
    assert matter["department"] == "agriculture_rural"
    assert matter["local_practice"] == ["basic_code"]


def test_import_without_basic_code_keeps_full_code(imported):
    _report, pack = imported
    matter = pack.matter("511a0138000000-511602000000-000-115113010833722043-1-00")

    assert matter is not None
    assert matter["basic_code"] is None
    assert matter["type"] == "administrative_licensing"
    assert matter["department"] == "education"
    assert matter["main_item"] is None


def test_unmapped_department_and_type_are_listed(tmp_path):
    mapping = yaml.safe_load(MAPPING.read_text("utf-8"))
    del mapping["departments"]["区残联"]
    del mapping["task_types"]["8"]
    mapping_path = tmp_path / "mapping.yaml"
    mapping_path.write_text(yaml.safe_dump(mapping, allow_unicode=True), "utf-8")

    with pytest.raises(ListingImportFailed) as raised:
        import_listing(LISTING, mapping_path, tmp_path / "out")

    rules = sorted(error.rule for error in raised.value.errors)
    assert rules == ["listing.unmapped_department", "listing.unmapped_task_type"]
    assert not (tmp_path / "out").exists()


def test_import_refuses_non_empty_folder(tmp_path):
    out = tmp_path / "out"
    out.mkdir()
    (out / "keep.txt").write_text("x", "utf-8")

    with pytest.raises(ListingImportFailed) as raised:
        import_listing(LISTING, MAPPING, out)

    assert [error.rule for error in raised.value.errors] == [
        "listing.out_dir_not_empty"
    ]


def test_malformed_listing_item_is_reported(tmp_path):
    listing = tmp_path / "listing.json"
    listing.write_text(json.dumps({"items": [{"name": "缺少字段"}]}), "utf-8")

    with pytest.raises(ListingImportFailed) as raised:
        import_listing(listing, MAPPING, tmp_path / "out")

    [error] = raised.value.errors
    assert error.rule == "listing.malformed_item"
    assert error.path == "items[0]"


def test_listing_json_error_in_chinese(tmp_path):
    listing = tmp_path / "listing.json"
    listing.write_text('{"items": [}', "utf-8")

    with translation.override("zh-hans"), pytest.raises(ListingImportFailed) as raised:
        import_listing(listing, MAPPING, tmp_path / "out")

    [error] = raised.value.errors
    assert error.rule == "listing.invalid_json"
    assert "第 1 行第 12 列：此处应有一个值" in error.message
    assert "Expecting" not in error.message


def test_import_listing_command_writes_pack(tmp_path):
    output = StringIO()
    out = tmp_path / "pack"

    with translation.override("en"):
        call_command(
            "pack",
            "import-listing",
            str(LISTING),
            "--mapping",
            str(MAPPING),
            "--out",
            str(out),
            stdout=output,
        )

    assert output.getvalue() == f"Wrote 1135 guide-only matters of 34 roles to {out}.\n"
    assert (out / "pack.yaml").is_file()


def test_mapping_error_not_blamed_on_listing(tmp_path):
    mapping = tmp_path / "mapping.yaml"
    mapping.write_text("listing: a\x07b\n", "utf-8")
    output = StringIO()
    out = tmp_path / "pack"

    with translation.override("en"), pytest.raises(CommandError) as raised:
        call_command(
            "pack",
            "import-listing",
            str(LISTING),
            "--mapping",
            str(mapping),
            "--out",
            str(out),
            stdout=output,
        )

    assert str(raised.value) == (
        f"Nothing was written to {out}: the listing and its mapping have 1 error."
    )
    assert output.getvalue().startswith("mapping.yaml:1:")
    assert "U+0007" in output.getvalue()
    assert not out.exists()


def test_folder_listing_named_as_folder(tmp_path):
    with translation.override("zh-hans"), pytest.raises(ListingImportFailed) as raised:
        import_listing(tmp_path, MAPPING, tmp_path / "out")

    [error] = raised.value.errors
    assert error.rule == "listing.not_a_file"
    assert str(tmp_path) in error.message
    assert "文件夹" in error.message


def test_import_reports_progress(tmp_path):
    listing = json.loads(LISTING.read_text("utf-8"))
    listing["items"] = listing["items"][:4]
    short = tmp_path / "listing.json"
    short.write_text(json.dumps(listing, ensure_ascii=False), "utf-8")
    reports: list[tuple[int, int]] = []

    report = import_listing(
        short,
        MAPPING,
        tmp_path / "out",
        lambda done, total: reports.append((done, total)),
    )

    files = report.matter_count + 3
    assert report.matter_count == 4
    assert reports[-1] == (files, files)
    assert_rises_to_total(reports)
