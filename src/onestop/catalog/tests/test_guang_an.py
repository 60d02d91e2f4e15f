"""Provisioning 广安市广安区 (511602) from its published listing of 1,135 matters."""

from __future__ import annotations

import json
import zlib
from pathlib import Path

import pytest
import yaml
from django.core.management import call_command

from onestop.cases.actions import Application, submit_online_case
from onestop.cases.errors import MatterNotOpen
from onestop.cases.queries import open_matters
from onestop.catalog.models import Matter
from onestop.catalog.packs.listing import import_listing
from onestop.catalog.packs.listing_bindings import (
    PLACEHOLDER_USCC,
    bindings_from_listing,
)
from onestop.core.models import Centre
from onestop.identity.codes import uscc_check_character

pytestmark = [pytest.mark.django_db, pytest.mark.slow]

LISTING = (
    Path(__file__).resolve().parents[1]
    / "packs"
    / "listings"
    / "guang-an-district-511602.json"
)
MAPPING = (
    Path(__file__).resolve().parents[1] / "packs" / "mappings" / "guang-an-511602.yaml"
)
LISTED_MATTERS = 1135


def fake_uscc(name: str) -> str:
    """Return a valid USCC made from a checksum of a department name, for tests only."""
    first_17 = f"11511602MA{zlib.crc32(name.encode()) % 10**7:07d}"
    return first_17 + uscc_check_character(first_17)


@pytest.fixture
def guang_an_pack(tmp_path: Path) -> tuple[Path, Path]:
    """Import the listing into a pack and write bindings with test-only USCCs."""

    pack_dir = tmp_path / "pack"
    import_listing(LISTING, MAPPING, pack_dir)

    bindings_path = tmp_path / "bindings.yaml"
    bindings = bindings_from_listing(LISTING, MAPPING, bindings_path)
    for entry in bindings["departments"].values():
        if entry["uscc"] == PLACEHOLDER_USCC:
            entry["uscc"] = fake_uscc(entry["name"])
    bindings_path.write_text(
        yaml.safe_dump(bindings, allow_unicode=True), encoding="utf-8"
    )
    return pack_dir, bindings_path


def provision(pack_dir: Path, bindings_path: Path) -> Centre:
    call_command(
        "provision",
        "--region",
        "511602",
        "--pack",
        str(pack_dir),
        "--bindings",
        str(bindings_path),
    )
    return Centre.objects.get(region_code="511602")


def test_listing_has_expected_matter_count():
    items = json.loads(LISTING.read_text(encoding="utf-8"))["items"]

    assert len(items) == LISTED_MATTERS


def test_provisioned_county_lists_every_matter(guang_an_pack):
    centre = provision(*guang_an_pack)

    assert open_matters(centre).count() == LISTED_MATTERS
    assert open_matters(centre).filter(guide_only=True).count() == LISTED_MATTERS


def test_guide_only_matter_rejects_application(guang_an_pack, demo):
    centre = provision(*guang_an_pack)
    matter = Matter.objects.for_centre(centre).filter(guide_only=True).first()
    assert matter is not None

    with pytest.raises(MatterNotOpen):
        submit_online_case(
            actor=demo.user("applicant"), matter=matter, application=Application()
        )
