"""The bindings file written from a listing: USCCs copied or left as placeholders."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from onestop.catalog.packs.listing_bindings import (
    PLACEHOLDER_USCC,
    bindings_from_listing,
)

LISTING = {
    "items": [
        {"department": "区住建局", "dept_code": "11511301008778255F"},
        {"department": "区教科体局", "dept_code": "083372204"},
        {"department": "区人社局", "dept_code": "1151130108778239R_5143"},
    ]
}
MAPPING = {
    "departments": {
        "区住建局": {"role": "housing_construction", "kind": "government_department"},
        "区教科体局": {"role": "education", "kind": "government_department"},
        "区人社局": {"role": "human_resources", "kind": "government_department"},
        "区未列出局": {"role": "unlisted", "kind": "government_department"},
    }
}


@pytest.fixture
def listing_files(tmp_path: Path) -> tuple[Path, Path]:
    import json

    listing = tmp_path / "listing.json"
    listing.write_text(json.dumps(LISTING, ensure_ascii=False), "utf-8")
    mapping = tmp_path / "mapping.yaml"
    mapping.write_text(yaml.safe_dump(MAPPING, allow_unicode=True), "utf-8")
    return listing, mapping


def test_bindings_copy_valid_uscc(listing_files, tmp_path):
    data = bindings_from_listing(
        listing_files[0], listing_files[1], tmp_path / "bindings.yaml"
    )

    assert data["departments"]["housing_construction"] == {
        "name": "区住建局",
        "uscc": "11511301008778255F",
    }


def test_bindings_mark_non_uscc_placeholders(listing_files, tmp_path):
    data = bindings_from_listing(
        listing_files[0], listing_files[1], tmp_path / "bindings.yaml"
    )
    header = (tmp_path / "bindings.yaml").read_text(encoding="utf-8")

    assert data["departments"]["education"]["uscc"] == PLACEHOLDER_USCC
    assert data["departments"]["human_resources"]["uscc"] == PLACEHOLDER_USCC
    assert "#   education\n" in header
    assert "#   human_resources\n" in header


def test_bindings_skip_roles_absent_from_listing(listing_files, tmp_path):
    data = bindings_from_listing(
        listing_files[0], listing_files[1], tmp_path / "bindings.yaml"
    )
    written = yaml.safe_load((tmp_path / "bindings.yaml").read_text(encoding="utf-8"))

    assert "unlisted" not in data["departments"]
    assert written == data
