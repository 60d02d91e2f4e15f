"""Provisioning a centre from a pack: regions, bindings, bulk writes, re-runs."""

from __future__ import annotations

import copy
import json
import math
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
import yaml
from django.core.management import CommandError, call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import translation

from onestop.catalog import actions
from onestop.catalog.actions import (
    DepartmentBinding,
    ProvisionResult,
    add_matter_version,
    matter_fields,
    provision_centre,
)
from onestop.catalog.models import (
    Matter,
    MatterOrigin,
    MatterOverlay,
    MatterVersion,
    PackInstallation,
)
from onestop.catalog.packs import STANDARD_PACK_DIR
from onestop.core.models import AuditEvent, Centre, Department
from onestop.core.tests.test_progress import TERMINAL_VARIABLES
from onestop.identity.codes import uscc_check_character
from onestop.portal.demo import demo_bindings
from onestop.regions.gb2260 import check_county_region
from onestop.testing import current_version

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


def test_provision_output_without_terminal(
    tmp_path, standard_pack, capsys, monkeypatch
):
    for name in TERMINAL_VARIABLES:
        monkeypatch.delenv(name, raising=False)
    path = bindings_file(tmp_path, standard_pack)
    output = StringIO()

    with translation.override("en"):
        call_command(
            "provision",
            "--region",
            "511602",
            "--pack",
            str(STANDARD_PACK_DIR),
            "--bindings",
            str(path),
            stdout=output,
        )

    # No bar reaches standard output or standard error, only the result line.
    captured = capsys.readouterr()
    assert captured.out == ""
    assert captured.err == ""
    assert output.getvalue().count("\n") == 1
    assert "511602" in output.getvalue()


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
    assert "role public_security has no binding" in message
    assert "[bindings.role_missing]" in message
    assert Centre.objects.count() == 0


def run_provision(path: Path) -> str:
    """Run `onestop provision` for 511602 and return the CommandError's text."""
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
    return str(raised.value)


def edit_bindings(path: Path, change) -> Path:
    """Apply `change` to the data of the bindings file at `path` and write it back."""
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    change(data["departments"])
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return path


def test_bindings_missing_role_at_departments_key(tmp_path, standard_pack):
    path = tmp_path / "bindings.yaml"
    path.write_text(
        "centre:\n"
        "  name: 广安区政务服务中心\n"
        "departments:\n"
        "  market_regulation:\n"
        "    name: 广安区市场监督管理局\n"
        "    uscc: 11511602MB1C12345Y\n",
        encoding="utf-8",
    )

    with translation.override("en"):
        message = run_provision(path)

    missing = [line for line in message.splitlines() if "role_missing" in line]
    assert len(missing) == len(standard_pack.departments) - 1
    # The key departments: is on line 3, and the first binding on line 4.
    assert all(f"{path}:3:1: departments:" in line for line in missing), missing


def test_bindings_not_utf8_rejected(tmp_path):
    path = tmp_path / "bindings.yaml"
    path.write_bytes(b"\xff\xfe")
    message = run_provision(path)
    assert f"{path}:1:1: The file is not valid UTF-8: the byte at line 1" in message
    assert "[yaml.encoding]" in message
    assert "has 1 error," in message
    assert Centre.objects.count() == 0


def test_bindings_yaml_syntax_names_line_in_chinese(tmp_path):
    path = tmp_path / "bindings.yaml"
    path.write_text("centre:\n  name: x\ndepartments: [unclosed\n", encoding="utf-8")
    with translation.override("zh-hans"):
        message = run_provision(path)
    assert f"绑定文件 {path} 有 1 个错误" in message
    assert (
        f"{path}:4:1: 文件不是有效的 YAML：此处应为 ','或']'，实际为文件结尾" in message
    )
    assert "<unicode string>" not in message
    assert "errors" not in message


def test_bindings_control_character_names_line_and_column(tmp_path):
    path = tmp_path / "bindings.yaml"
    path.write_text("centre:\n  name: 广安\x07区\ndepartments: {}\n", encoding="utf-8")

    with translation.override("en"):
        message = run_provision(path)

    assert f"{path}:2:11: The file is not valid YAML: the character U+0007" in message
    assert "write it as the escape \\u0007 inside double quotes" in message
    assert "[yaml.syntax]" in message
    assert "ReaderError" not in message


def test_bindings_invisible_characters_in_names_rejected(tmp_path, standard_pack):
    def hide(departments):
        departments["market_regulation"]["name"] = "广安区\u202e市场监督管理局"

    path = edit_bindings(bindings_file(tmp_path, standard_pack), hide)
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    data["centre"] = {"name": "广安区\u200b政务服务中心"}
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")

    with translation.override("en"):
        message = run_provision(path)

    assert "has 2 errors" in message
    assert "centre.name: The text contains U+200B (ZERO WIDTH SPACE)" in message
    assert (
        "departments.market_regulation.name: The text contains U+202E "
        "(RIGHT-TO-LEFT OVERRIDE)"
    ) in message
    assert message.count("[text.character_invalid]") == 2
    assert not Centre.objects.filter(region_code="511602").exists()


def test_bindings_misspelt_key_rejected(tmp_path, standard_pack):
    def misspell(departments):
        departments["market_regulation"]["connectr"] = "webhook"

    path = edit_bindings(bindings_file(tmp_path, standard_pack), misspell)
    message = run_provision(path)
    assert "departments.market_regulation.connectr" in message
    assert "The key connectr is not allowed here" in message
    assert "[schema.unknown_key]" in message
    assert Centre.objects.count() == 0


def test_bindings_unknown_role_rejected(tmp_path, standard_pack):
    def add_role(departments):
        departments["nonexistent_role"] = dict(departments["market_regulation"])
        departments["nonexistent_role"]["uscc"] = "11511602MB1C12345Y"

    path = edit_bindings(bindings_file(tmp_path, standard_pack), add_role)
    with translation.override("zh-hans"):
        message = run_provision(path)
    assert "departments.nonexistent_role" in message
    assert "事项包没有部门角色 nonexistent_role" in message
    assert "[bindings.role_unknown]" in message
    assert Centre.objects.count() == 0


def test_bindings_duplicate_uscc_rejected(tmp_path, standard_pack):
    def copy_uscc(departments):
        departments["public_security"]["uscc"] = departments["market_regulation"][
            "uscc"
        ]

    path = edit_bindings(bindings_file(tmp_path, standard_pack), copy_uscc)
    uscc = yaml.safe_load(path.read_text(encoding="utf-8"))["departments"][
        "market_regulation"
    ]["uscc"]
    message = run_provision(path)
    assert "departments.public_security.uscc" in message
    assert f"The unified social credit code {uscc} is bound to market_regulation" in (
        message
    )
    assert "[bindings.duplicate_uscc]" in message
    assert Centre.objects.count() == 0


def test_uscc_of_another_centre_rejected(tmp_path, standard_pack):
    other = provision_511603(standard_pack)
    holder = Department.objects.get(centre=other, role_key="market_regulation")

    def take_uscc(departments):
        departments["public_security"]["uscc"] = holder.uscc

    path = edit_bindings(bindings_file(tmp_path, standard_pack), take_uscc)
    message = run_provision(path)

    assert message.startswith("provision.uscc_taken: ")
    assert (
        f"The unified social credit code {holder.uscc} of the department role "
        f"public_security already belongs to the department {holder.name} (role "
        f"market_regulation) of {other.name} (511603)."
    ) in message
    assert not Centre.objects.filter(region_code="511602").exists()


def test_uscc_of_another_role_of_same_centre_rejected(tmp_path, standard_pack):
    centre = provision_standard(standard_pack).centre
    extra = Department.objects.create(
        centre=centre,
        role_key="archives",
        name="广安区档案馆",
        uscc="11511602MB1C12345Y",
    )
    before = dict(Department.objects.values_list("role_key", "uscc"))

    def take_uscc(departments):
        departments["market_regulation"]["uscc"] = extra.uscc

    path = edit_bindings(bindings_file(tmp_path, standard_pack), take_uscc)
    with translation.override("zh-hans"):
        message = run_provision(path)

    assert message.startswith("provision.uscc_taken: ")
    assert "11511602MB1C12345Y" in message
    assert "广安区档案馆" in message
    assert centre.name in message
    assert dict(Department.objects.values_list("role_key", "uscc")) == before


def test_bindings_report_every_error_at_once(tmp_path, standard_pack):
    path = bindings_file(tmp_path, standard_pack)
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    departments = data["departments"]
    data["centre"] = {"nmae": "广安区政务服务中心"}
    departments["public_security"]["uscc"] = departments["market_regulation"]["uscc"]
    departments["civil_affairs"]["uscc"] = "91350100M000100Y44"
    departments["housing_construction"]["connector"] = "webhook"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")

    message = run_provision(path)

    assert "centre.nmae" in message
    assert "[schema.unknown_key]" in message
    assert "departments.public_security.uscc" in message
    assert "[bindings.duplicate_uscc]" in message
    assert "departments.civil_affairs.uscc" in message
    assert "[bindings.connector_not_configurable]" in message
    assert "has 4 errors" in message
    assert Centre.objects.count() == 0


def test_bindings_schema_error_not_checked_twice(tmp_path, standard_pack):
    def break_values(departments):
        departments["market_regulation"]["uscc"] = ["11511602MB1C12345Y"]
        departments["public_security"]["connector"] = "worklst"
        del departments["civil_affairs"]["name"]

    path = edit_bindings(bindings_file(tmp_path, standard_pack), break_values)
    message = run_provision(path)

    assert "has 3 errors" in message
    assert "[bindings.connector_not_configurable]" not in message
    assert "departments.market_regulation.uscc" in message
    assert "departments.public_security.connector" in message
    assert "departments.civil_affairs" in message
    assert Centre.objects.count() == 0


def test_uscc_taken_names_every_clash(tmp_path, standard_pack):
    other = provision_511603(standard_pack)
    holders = {
        department.role_key: department
        for department in Department.objects.filter(centre=other)
    }
    path = bindings_file(tmp_path, standard_pack, region="511603")

    message = run_provision(path)

    assert message.startswith("provision.uscc_taken: ")
    assert (
        f"{len(holders)} unified social credit codes of the bindings already belong "
        "to other departments." in message
    )
    for role, holder in holders.items():
        assert (
            f"  {holder.uscc} of the role {role} belongs to {holder.name} (role "
            f"{role}) of {other.name} (511603)"
        ) in message
    assert not Centre.objects.filter(region_code="511602").exists()


def test_uscc_taken_details_list_clashes(standard_pack):
    other = provision_511603(standard_pack)
    bindings = standard_bindings(standard_pack, "511603")

    with pytest.raises(actions.UsccTaken) as raised:
        provision_centre(
            actor=None, region_code="511602", pack=standard_pack, bindings=bindings
        )

    clashes = raised.value.as_dict()["details"]["clashes"]
    roles = sorted({matter["department"] for matter in standard_pack.matters})
    assert sorted(clash["role"] for clash in clashes) == roles
    assert {clash["region"] for clash in clashes} == {other.region_code}
    assert raised.value.details["count"] == len(roles)


def test_rerun_may_swap_uscc_between_roles(tmp_path, standard_pack):
    path = bindings_file(tmp_path, standard_pack)
    args = ["--region", "511602", "--pack", str(STANDARD_PACK_DIR)]
    call_command("provision", *args, "--bindings", str(path), stdout=StringIO())

    def swap(departments):
        first, second = departments["market_regulation"], departments["public_security"]
        first["uscc"], second["uscc"] = second["uscc"], first["uscc"]

    edit_bindings(path, swap)
    call_command("provision", *args, "--bindings", str(path), stdout=StringIO())

    stored = dict(Department.objects.values_list("role_key", "uscc"))
    data = yaml.safe_load(path.read_text(encoding="utf-8"))["departments"]
    assert stored["market_regulation"] == data["market_regulation"]["uscc"]
    assert stored["public_security"] == data["public_security"]["uscc"]


def test_bindings_connector_without_endpoint_rejected(tmp_path, standard_pack):
    def use_webhook(departments):
        departments["market_regulation"]["connector"] = "webhook"

    path = edit_bindings(bindings_file(tmp_path, standard_pack), use_webhook)
    with translation.override("zh-hans"):
        message = run_provision(path)
    assert "departments.market_regulation.connector" in message
    assert "对接方式 webhook 需要部门的密钥" in message
    assert "/admin/exchange/connectorconfig/" in message
    assert Centre.objects.count() == 0


def test_bindings_missing_file_named(tmp_path):
    path = tmp_path / "absent.yaml"
    message = run_provision(path)
    assert f"{path}: The file does not exist. [file.unreadable]" in message


def test_changed_definition_gets_new_version_and_open_case_keeps_old(
    demo, standard_pack
):
    from onestop.cases.actions import Application, submit_online_case
    from onestop.cases.uploads import check_upload
    from onestop.testing import PDF_BYTES, valid_form

    matter = Matter.objects.get(centre=demo.centre, pack_id="birth-registration")
    old_version = current_version(matter)
    form = {k.removeprefix("field."): v for k, v in valid_form(matter).items()}
    required = [
        m["key"]
        for m in old_version.guide.materials
        if m.get("necessity") == "required"
    ]
    scan = check_upload("scan.pdf", PDF_BYTES, material="scan")
    application = Application(form_data=form, uploads={key: [scan] for key in required})
    case = submit_online_case(
        actor=demo.user("applicant"), matter=matter, application=application
    ).case

    changed = copy.deepcopy(standard_pack)
    for definition in changed.matters:
        if definition["id"] == "birth-registration":
            definition["time_limits"]["promised"]["amount"] = 1
    provision_centre(
        actor=None, region_code="440604", pack=changed, bindings=demo_bindings(changed)
    )

    matter.refresh_from_db()
    assert current_version(matter).number == old_version.number + 1
    case.refresh_from_db()
    assert case.matter_version_id == old_version.pk


def standard_bindings(standard_pack, region: str) -> dict[str, DepartmentBinding]:
    bindings = {}
    for index, role in enumerate(sorted(standard_pack.departments), start=1):
        first_17 = f"11{region}0090{index:05d}"
        uscc = first_17 + uscc_check_character(first_17)
        bindings[role] = DepartmentBinding(name=f"{region}{role}", uscc=uscc)
    return bindings


def provision_standard(standard_pack, **options) -> ProvisionResult:
    """Provision 511602 from the standard pack with made-up bindings."""
    return provision_centre(
        actor=None,
        region_code="511602",
        pack=standard_pack,
        bindings=standard_bindings(standard_pack, "511602"),
        **options,
    )


def provision_row_by_row(region: str, pack, bindings) -> Centre:
    """Write each matter on its own, as provisioning did before bulk inserts."""
    region_name = check_county_region(region).name
    centre = Centre.objects.create(
        region_code=region, slug=region, name=f"{region_name}政务服务中心"
    )
    source = f"{pack.metadata['id']}@{pack.metadata['version']}"
    for definition in pack.matters:
        binding = bindings[definition["department"]]
        department, _created = Department.objects.get_or_create(
            centre=centre,
            role_key=definition["department"],
            defaults={"name": binding.name, "uscc": binding.uscc},
        )
        matter = Matter.objects.create(
            centre=centre,
            pack_id=definition["id"],
            pack_definition=definition,
            pack_version=pack.metadata["version"],
            **matter_fields(definition, department),
        )
        add_matter_version(matter, definition, source=source)
    return centre


def matter_rows(centre: Centre) -> dict[str, dict]:
    """Return every column of the centre's matters and versions that is not an id."""
    rows = {}
    matters = Matter.objects.for_centre(centre).select_related(
        "department", "current_version"
    )
    for matter in matters:
        versions = MatterVersion.objects.for_centre(centre).filter(matter=matter)
        rows[matter.pack_id] = {
            "department": matter.department.role_key,
            "columns": {
                field.attname: getattr(matter, field.attname)
                for field in Matter._meta.concrete_fields
                if field.attname
                not in {"id", "centre_id", "department_id", "current_version_id"}
            },
            "current": (
                matter.current_version.number,
                matter.current_version.matter_id == matter.pk,
            ),
            "versions": [
                (version.number, version.definition, version.source)
                for version in versions.order_by("number")
            ],
        }
    return rows


def test_bulk_rows_match_row_by_row_writes(standard_pack):
    bulk = provision_standard(standard_pack).centre
    single = provision_row_by_row(
        "511603", standard_pack, standard_bindings(standard_pack, "511603")
    )

    bulk_rows, single_rows = matter_rows(bulk), matter_rows(single)
    assert len(bulk_rows) == len(standard_pack.matters)
    for rows in (bulk_rows, single_rows):
        for row in rows.values():
            # Search text and implementation codes name the centre's own departments.
            row["columns"]["search_text"] = row["columns"]["search_text"].replace(
                "511603", "511602"
            )
            # The first 18 characters are the department's USCC.
            code = row["columns"]["implementation_code"]
            row["columns"]["implementation_code"] = code[18:]
    assert bulk_rows == single_rows
    assert all(row["current"] == (1, True) for row in bulk_rows.values())


def test_new_centre_installation_and_event(standard_pack):
    result = provision_standard(standard_pack)

    assert result.created_matters == len(standard_pack.matters)
    assert result.updated_matters == 0
    installation = PackInstallation.objects.get(centre=result.centre)
    assert installation.kind == PackInstallation.Kind.PROVISION
    assert installation.version == standard_pack.metadata["version"]
    event = AuditEvent.objects.get(centre=result.centre, verb="centre.provisioned")
    assert event.data["created"] == len(standard_pack.matters)
    assert event.data["updated"] == 0


def test_bulk_statements_per_chunk(standard_pack, monkeypatch):
    monkeypatch.setattr(actions, "MATTER_CHUNK", 10)
    with CaptureQueriesContext(connection) as queries:
        provision_standard(standard_pack)

    chunks = math.ceil(len(standard_pack.matters) / 10)
    catalog_writes = [
        query["sql"]
        for query in queries.captured_queries
        if query["sql"].startswith(("INSERT", "UPDATE"))
        and (
            '"catalog_matter"' in query["sql"]
            or "catalog_matterversion" in query["sql"]
        )
    ]
    assert len(catalog_writes) == 2 * chunks
    assert not [sql for sql in catalog_writes if sql.startswith("UPDATE")]


def test_progress_reported_per_chunk(standard_pack, monkeypatch):
    monkeypatch.setattr(actions, "MATTER_CHUNK", 20)
    reports = []
    provision_standard(
        standard_pack, progress=lambda done, total: reports.append((done, total))
    )

    total = len(standard_pack.matters)
    expected = [(min(done, total), total) for done in range(20, total + 20, 20)]
    assert reports == expected


def test_second_run_writes_nothing(standard_pack):
    first = provision_standard(standard_pack)
    rows = matter_rows(first.centre)

    second = provision_standard(standard_pack)

    assert (second.created_matters, second.updated_matters) == (0, 0)
    assert matter_rows(second.centre) == rows
    assert MatterVersion.objects.count() == len(standard_pack.matters)
    assert Department.objects.count() == len(
        {matter["department"] for matter in standard_pack.matters}
    )


def provision_without(standard_pack, matter_id: str) -> Centre:
    """Provision 511602 from the standard pack less one matter."""
    smaller = copy.deepcopy(standard_pack)
    smaller.matters = [m for m in smaller.matters if m["id"] != matter_id]
    return provision_centre(
        actor=None,
        region_code="511602",
        pack=smaller,
        bindings=standard_bindings(standard_pack, "511602"),
    ).centre


def test_new_matters_added_overlay_kept(standard_pack):
    centre = provision_without(standard_pack, "birth-registration")
    food = Matter.objects.get(centre=centre, pack_id="food-business-licence")
    MatterOverlay.objects.create(
        centre=centre, matter=food, path="time_limits.promised.amount", value=1
    )

    result = provision_standard(standard_pack)

    assert (result.created_matters, result.updated_matters) == (1, 1)
    birth = Matter.objects.get(centre=centre, pack_id="birth-registration")
    assert current_version(birth).number == 1
    assert current_version(birth).definition == birth.pack_definition
    food.refresh_from_db()
    assert current_version(food).number == 2
    assert current_version(food).definition["time_limits"]["promised"]["amount"] == 1
    assert food.pack_definition is not None
    assert food.pack_definition["time_limits"]["promised"]["amount"] != 1


def test_local_matter_keeps_pack_id(standard_pack):
    centre = provision_without(standard_pack, "birth-registration")
    local = Matter.objects.create(
        centre=centre,
        pack_id="birth-registration",
        origin=MatterOrigin.LOCAL,
        name="本地生育登记",
        matter_type="public_service",
        department=Department.objects.filter(centre=centre).earliest("pk"),
    )

    provision_standard(standard_pack)

    local.refresh_from_db()
    assert local.name == "本地生育登记"
    assert local.current_version is None


def test_insert_rows_splits_batches(standard_pack, monkeypatch):
    from onestop.core.bulk import insert_rows

    centre = provision_standard(standard_pack).centre
    department = Department.objects.for_centre(centre).earliest("pk")
    monkeypatch.setattr(connection.ops, "bulk_batch_size", lambda fields, rows: 2)
    columns = ("centre_id", "department_id", "pack_id", "name", "matter_type")
    rows = [
        (centre.pk, department.pk, f"local-{index}", f"本地事项{index}", "other_power")
        for index in range(5)
    ]
    with CaptureQueriesContext(connection) as queries:
        returned = insert_rows(Matter, columns, rows, returning=("pack_id", "id"))

    inserts = [
        q["sql"] for q in queries.captured_queries if q["sql"].startswith("INSERT")
    ]
    assert len(inserts) == 3
    ids = dict(returned)
    assert sorted(ids) == [f"local-{index}" for index in range(5)]
    for pack_id, pk in ids.items():
        matter = Matter.objects.get(pk=pk)
        assert matter.pack_id == pack_id
        assert matter.is_active is True
        assert matter.origin == MatterOrigin.PACK
        assert matter.current_version is None


def stored_json(centre: Centre) -> dict[str, tuple[str, str]]:
    """Return the JSON text of each matter's pack definition and version 1, by pack id."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT m.pack_id, m.pack_definition, v.definition "
            "FROM catalog_matter m JOIN catalog_matterversion v ON v.matter_id = m.id "
            "WHERE m.centre_id = %s AND v.number = 1",
            [centre.pk],
        )
        return {pack_id: (matter, version) for pack_id, matter, version in cursor}


def test_bulk_json_text_matches_row_by_row(standard_pack):
    bulk = provision_standard(standard_pack).centre
    single = provision_row_by_row(
        "511603", standard_pack, standard_bindings(standard_pack, "511603")
    )

    bulk_json, single_json = stored_json(bulk), stored_json(single)
    assert len(bulk_json) == len(standard_pack.matters)
    assert bulk_json == single_json


def test_second_centre_reuses_pack_json(standard_pack):
    first = provision_standard(standard_pack).centre
    second = provision_511603(standard_pack)

    expected = {
        matter["id"]: (json.dumps(matter), json.dumps(matter))
        for matter in standard_pack.matters
    }
    assert parsed(stored_json(first)) == parsed(expected)
    assert parsed(stored_json(second)) == parsed(expected)


def test_changed_copy_json_not_stale(standard_pack):
    provision_standard(standard_pack)
    changed = copy.deepcopy(standard_pack)
    for definition in changed.matters:
        definition["name"] = f"{definition['name']}（新）"

    centre = provision_511603(changed)

    for matter, version in stored_json(centre).values():
        assert json.loads(matter)["name"].endswith("（新）")
        assert json.loads(version)["name"].endswith("（新）")


def provision_511603(pack) -> Centre:
    """Provision 511603 from `pack` with made-up bindings."""
    return provision_centre(
        actor=None,
        region_code="511603",
        pack=pack,
        bindings=standard_bindings(pack, "511603"),
    ).centre


def parsed(texts: dict[str, tuple[str, str]]) -> dict[str, tuple[Any, Any]]:
    """Return the stored JSON of `stored_json` parsed, as PostgreSQL reformats jsonb."""
    return {
        key: (json.loads(matter), json.loads(version))
        for key, (matter, version) in texts.items()
    }


def test_reserved_ids_skip_deleted_versions(standard_pack):
    centre = provision_without(standard_pack, "birth-registration")
    newest = MatterVersion.objects.latest("pk")
    matter = Matter.objects.create(
        centre=centre,
        department=newest.matter.department,
        pack_id="local-test",
        name="本地事项",
        matter_type="other_power",
        origin=MatterOrigin.LOCAL,
    )
    deleted = add_matter_version(matter, {"name": "本地事项"}, source="local")
    deleted_id = deleted.pk
    Matter.objects.filter(pk=matter.pk).update(current_version=None)
    deleted.delete()

    provision_standard(standard_pack)

    added = Matter.objects.get(centre=centre, pack_id="birth-registration")
    first = added.current_version
    assert first is not None
    assert first.pk > deleted_id
    assert first.matter_id == added.pk
    assert first.number == 1
    later = add_matter_version(matter, {"name": "本地事项"}, source="local")
    assert later.pk > first.pk
