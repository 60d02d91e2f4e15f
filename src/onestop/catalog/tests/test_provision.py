"""Provisioning a centre from a pack: regions, bindings, idempotence and pinned versions."""

from __future__ import annotations

import copy
from pathlib import Path

import pytest
import yaml
from django.core.management import CommandError, call_command

from onestop.catalog.actions import provision_centre
from onestop.catalog.models import Matter
from onestop.catalog.packs import STANDARD_PACK_DIR
from onestop.core.models import Centre
from onestop.identity.codes import uscc_check_character
from onestop.portal.demo import demo_bindings

pytestmark = pytest.mark.django_db


def bindings_file(tmp_path: Path, standard_pack, region: str = "511602") -> Path:
    departments = {}
    for index, role in enumerate(sorted(standard_pack.departments), start=1):
        first_17 = f"11{region}0090{index:05d}"
        departments[role] = {
            "name": f"广安区{role}",
            "uscc": first_17 + uscc_check_character(first_17),
        }
    path = tmp_path / "bindings.yaml"
    path.write_text(
        yaml.safe_dump({"departments": departments}, allow_unicode=True),
        encoding="utf-8",
    )
    return path


def test_provision_command_creates_centre(tmp_path, standard_pack):
    path = bindings_file(tmp_path, standard_pack)
    call_command(
        "provision",
        "--region",
        "511602",
        "--pack",
        str(STANDARD_PACK_DIR),
        "--bindings",
        str(path),
    )
    centre = Centre.objects.get(region_code="511602")
    assert centre.name == "广安区政务服务中心"
    assert Matter.objects.for_centre(centre).count() == len(standard_pack.matters)


def test_provision_twice_changes_nothing(tmp_path, standard_pack):
    path = bindings_file(tmp_path, standard_pack)
    args = [
        "--region",
        "511602",
        "--pack",
        str(STANDARD_PACK_DIR),
        "--bindings",
        str(path),
    ]
    call_command("provision", *args)
    versions = sorted(Matter.objects.values_list("current_version__number", flat=True))
    call_command("provision", *args)
    assert (
        sorted(Matter.objects.values_list("current_version__number", flat=True))
        == versions
    )
    assert Centre.objects.count() == 1


@pytest.mark.parametrize(
    ("region", "code"),
    [
        ("999999", "region.unknown"),
        ("440600", "region.not_county"),
        ("44060", "region.format"),
    ],
)
def test_provision_rejects_bad_region(tmp_path, standard_pack, region, code):
    path = bindings_file(tmp_path, standard_pack)
    with pytest.raises(CommandError, match=code):
        call_command(
            "provision",
            "--region",
            region,
            "--pack",
            str(STANDARD_PACK_DIR),
            "--bindings",
            str(path),
        )
    assert Centre.objects.count() == 0


def test_bindings_errors_all_listed(tmp_path, standard_pack):
    path = tmp_path / "bindings.yaml"
    path.write_text(
        yaml.safe_dump(
            {
                "departments": {
                    "market_regulation": {"name": "x", "uscc": "91350100M000100Y44"}
                }
            }
        ),
        encoding="utf-8",
    )
    with pytest.raises(CommandError) as raised:
        call_command(
            "provision",
            "--region",
            "511602",
            "--pack",
            str(STANDARD_PACK_DIR),
            "--bindings",
            str(path),
        )
    message = str(raised.value)
    assert "provision.bindings_invalid" in message
    assert "departments.market_regulation.uscc" in message
    assert "departments.public_security is missing" in message
    assert Centre.objects.count() == 0


def test_changed_definition_gets_new_version_and_open_case_keeps_old(
    demo, standard_pack
):
    from onestop.cases.actions import Application, submit_online_case
    from onestop.cases.uploads import check_upload
    from onestop.testing import PDF_BYTES, valid_form

    matter = Matter.objects.get(centre=demo.centre, pack_id="birth-registration")
    old_version = matter.current_version
    form = {k.removeprefix("field."): v for k, v in valid_form(matter).items()}
    required = [
        m["key"]
        for m in old_version.guide.materials
        if m.get("necessity") == "required"
    ]
    scan = check_upload("scan.pdf", PDF_BYTES)
    application = Application(form_data=form, uploads={key: [scan] for key in required})
    case = submit_online_case(
        actor=demo.user("applicant"), matter=matter, application=application
    )

    changed = copy.deepcopy(standard_pack)
    for definition in changed.matters:
        if definition["id"] == "birth-registration":
            definition["time_limits"]["promised"]["amount"] = 1
    provision_centre(
        actor=None, region_code="440604", pack=changed, bindings=demo_bindings(changed)
    )

    matter.refresh_from_db()
    assert matter.current_version.number == old_version.number + 1
    case.refresh_from_db()
    assert case.matter_version_id == old_version.pk
