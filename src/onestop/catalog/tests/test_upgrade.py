"""Pack upgrades: the 3-way merge of pack N, pack N+1 and the centre's overlay."""

from __future__ import annotations

import copy
import shutil
from io import StringIO
from pathlib import Path

import pytest
import yaml
from django.core.management import CommandError, call_command
from django.utils import translation

from onestop.cases.actions import Application, submit_online_case
from onestop.cases.queries import open_matters
from onestop.cases.uploads import check_upload
from onestop.catalog.actions import provision_centre
from onestop.catalog.models import (
    Matter,
    MatterOverlay,
    MatterVersion,
    PackInstallation,
    UpgradeConflict,
)
from onestop.catalog.overlay import set_overlay_field, switch_matter
from onestop.catalog.packs import STANDARD_PACK_DIR, load_pack
from onestop.catalog.tests.test_provision import standard_bindings
from onestop.catalog.upgrade import (
    MergeInvalid,
    PackIdMismatch,
    PackNotNewer,
    compare_versions,
    resolve_conflict,
    upgrade_centre,
)
from onestop.catalog.versions import PackOlderThanInstalled
from onestop.core.models import AuditEvent, Department
from onestop.core.tests.test_progress import TERMINAL_VARIABLES, assert_rises_to_total
from onestop.portal.demo import demo_bindings, provision_demo
from onestop.testing import PDF_BYTES, current_version, valid_form

pytestmark = pytest.mark.django_db

FOOD = "food-business-licence"
DRIVING = "driving-licence-renewal"
REMOVED = "tobacco-retail-licence"
ADDED = "street-stall-filing"
PROMISED = "time_limits.promised.amount"
NEW_CONDITIONS = "在本县从事食品经营活动，有与经营品种相适应的场所和设备。"
NEW_HOURS = "法定工作日 8:30—17:30"


def next_minor(version: str) -> str:
    major, minor, _patch = version.split("-")[0].split(".")
    return f"{major}.{int(minor) + 1}.0"


# The version of the shipped standard pack, which the demo centre is on, and the
# version of the next release that the tests build from it.
SHIPPED = yaml.safe_load((STANDARD_PACK_DIR / "pack.yaml").read_text(encoding="utf-8"))[
    "version"
]
NEXT = next_minor(SHIPPED)


def edit_yaml(path: Path, change) -> None:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    change(data)
    path.write_text(
        yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8"
    )


def build_next_pack(folder: Path, version: str = NEXT, pack_id: str = "standard"):
    """Copy the standard pack and change it the way a next release might."""
    shutil.copytree(STANDARD_PACK_DIR, folder)
    edit_yaml(
        folder / "pack.yaml", lambda data: data.update(version=version, id=pack_id)
    )

    def change_food(data):
        data["time_limits"]["promised"]["amount"] = 4
        data["conditions"] = NEW_CONDITIONS
        data["hours"] = NEW_HOURS

    edit_yaml(folder / "matters" / f"{FOOD}.yaml", change_food)
    (folder / "matters" / f"{REMOVED}.yaml").unlink()

    added = folder / "matters" / f"{ADDED}.yaml"
    shutil.copy(folder / "matters" / "birth-registration.yaml", added)
    edit_yaml(
        added,
        lambda data: data.update(
            id=ADDED, name="临时摊点备案", basic_code="992000500199"
        ),
    )
    return folder


@pytest.fixture(scope="module")
def next_pack_dir(tmp_path_factory) -> Path:
    return build_next_pack(tmp_path_factory.mktemp("packs") / f"standard-{NEXT}")


@pytest.fixture(scope="module")
def next_pack(next_pack_dir):
    return load_pack(next_pack_dir)


def food(demo) -> Matter:
    return Matter.objects.select_related("current_version").get(
        centre=demo.centre, pack_id=FOOD
    )


def upgrade(demo, pack, **options):
    return upgrade_centre(
        actor=None, region_code=demo.centre.region_code, pack=pack, **options
    )


def run_command(next_pack_dir: Path, *extra: str) -> str:
    out = StringIO()
    call_command(
        "pack",
        "upgrade",
        "--region",
        "440604",
        "--pack",
        str(next_pack_dir),
        *extra,
        stdout=out,
    )
    return out.getvalue()


def test_upstream_change_applies_where_the_centre_changed_nothing(demo, next_pack):
    upgrade(demo, next_pack)

    guide = current_version(food(demo)).definition
    assert guide["conditions"] == NEW_CONDITIONS
    assert guide["hours"] == NEW_HOURS
    assert guide["time_limits"]["promised"]["amount"] == 4
    assert food(demo).pack_version == NEXT


def test_overlay_survives_an_upgrade_that_changed_another_field(demo, next_pack):
    admin = demo.user("centreadmin")
    set_overlay_field(
        actor=admin, matter=food(demo), path="location", value="三楼12号窗口"
    )

    upgrade(demo, next_pack)

    guide = current_version(food(demo)).definition
    assert guide["location"] == "三楼12号窗口"
    assert guide["conditions"] == NEW_CONDITIONS
    assert UpgradeConflict.objects.count() == 0


def test_field_both_changed_keeps_centre_value_and_lists_conflict(demo, next_pack_dir):
    set_overlay_field(
        actor=demo.user("centreadmin"), matter=food(demo), path=PROMISED, value=3
    )

    output = run_command(next_pack_dir)

    guide = current_version(food(demo)).definition
    assert guide["time_limits"]["promised"]["amount"] == 3
    assert guide["hours"] == NEW_HOURS
    conflict = UpgradeConflict.objects.get()
    assert (conflict.path, conflict.base_value) == (PROMISED, 5)
    assert (conflict.pack_value, conflict.centre_value) == (4, 3)
    assert f"{FOOD} {PROMISED}" in output


def test_same_change_on_both_sides_is_no_conflict(demo, next_pack):
    set_overlay_field(
        actor=demo.user("centreadmin"), matter=food(demo), path="hours", value=NEW_HOURS
    )

    upgrade(demo, next_pack)

    assert UpgradeConflict.objects.count() == 0
    assert MatterOverlay.objects.filter(matter__pack_id=FOOD).count() == 0
    assert current_version(food(demo)).definition["hours"] == NEW_HOURS


def without_delivery_choice(matter: dict) -> dict:
    """Return driving-licence-renewal as the standard pack 0.1.0 had it: 邮寄地址
    optional, and no 领取方式 field."""
    earlier = copy.deepcopy(matter)
    earlier["form_fields"] = [
        field for field in earlier["form_fields"] if field["key"] != "delivery"
    ]
    address = next(
        field for field in earlier["form_fields"] if field["key"] == "delivery_address"
    )
    address.pop("applies_when")
    address["required"] = False
    return earlier


def test_upgrade_to_shipped_pack_adds_delivery_choice(standard_pack):
    earlier = copy.deepcopy(standard_pack)
    earlier.metadata["version"] = "0.1.0"
    earlier.matters = [
        without_delivery_choice(matter) if matter["id"] == DRIVING else matter
        for matter in earlier.matters
    ]
    centre = provision_centre(
        actor=None,
        region_code="511602",
        pack=earlier,
        bindings=standard_bindings(earlier, "511602"),
    ).centre
    matter = Matter.objects.get(centre=centre, pack_id=DRIVING)
    before = current_version(matter).number

    upgrade_centre(actor=None, region_code="511602", pack=standard_pack)

    matter.refresh_from_db()
    assert matter.pack_version == SHIPPED
    assert current_version(matter).number == before + 1
    fields = {
        field["key"]: field
        for field in current_version(matter).definition["form_fields"]
    }
    assert [choice["value"] for choice in fields["delivery"]["choices"]] == [
        "window",
        "express",
    ]
    assert fields["delivery"]["display"] == "radio"
    assert fields["delivery_address"]["applies_when"] == {
        "field": "delivery",
        "values": ["express"],
    }
    assert fields["delivery_address"]["required"] is True


def test_dry_run_prints_the_plan_and_writes_nothing(demo, next_pack_dir):
    set_overlay_field(
        actor=demo.user("centreadmin"), matter=food(demo), path=PROMISED, value=3
    )
    tables = [Matter, MatterVersion, MatterOverlay, PackInstallation, UpgradeConflict]
    before = [model.objects.count() for model in tables]
    events = AuditEvent.objects.count()

    output = run_command(next_pack_dir, "--dry-run")

    assert [model.objects.count() for model in tables] == before
    assert AuditEvent.objects.count() == events
    assert food(demo).pack_version == SHIPPED
    assert f"{SHIPPED} → {NEXT}" in output
    assert f"{FOOD} {PROMISED}" in output
    assert REMOVED in output


def test_chinese_plan_full_width_colons(demo, next_pack_dir):
    set_overlay_field(
        actor=demo.user("centreadmin"), matter=food(demo), path=PROMISED, value=3
    )

    with translation.override("zh-hans"):
        output = run_command(next_pack_dir, "--dry-run")

    lines = output.splitlines()
    assert any(line.startswith("  更新：") for line in lines), output
    assert any(line.startswith("  冲突：") for line in lines), output
    assert not any(": " in line for line in lines if line.startswith("  ")), output


def test_matter_removed_upstream_is_switched_off_and_listed(demo, next_pack_dir):
    output = run_command(next_pack_dir)

    removed = Matter.objects.get(centre=demo.centre, pack_id=REMOVED)
    assert not removed.is_active
    assert removed.removed_upstream
    assert REMOVED not in [m.pack_id for m in open_matters(demo.centre)]
    assert REMOVED in output
    installation = PackInstallation.objects.get(kind="upgrade")
    assert installation.summary["removed"] == [REMOVED]


def test_new_matter_is_added(demo, next_pack):
    upgrade(demo, next_pack)

    added = Matter.objects.get(centre=demo.centre, pack_id=ADDED)
    assert added.is_active
    assert current_version(added).number == 1
    assert added.pack_version == NEXT


def test_open_case_keeps_its_version_through_an_upgrade(demo, next_pack):
    matter = food(demo)
    old_version = current_version(matter)
    required = [
        m["key"] for m in old_version.guide.materials if m["necessity"] == "required"
    ]
    form = {k.removeprefix("field."): v for k, v in valid_form(matter).items()}
    scan = check_upload("scan.pdf", PDF_BYTES, material="scan")
    application = Application(form_data=form, uploads={key: [scan] for key in required})
    case = submit_online_case(
        actor=demo.user("applicant"), matter=matter, application=application
    ).case

    upgrade(demo, next_pack)

    case.refresh_from_db()
    assert current_version(food(demo)).number == old_version.number + 1
    assert case.matter_version_id == old_version.pk
    assert case.matter_version.definition["time_limits"]["promised"]["amount"] == 5


def test_centre_switch_off_survives_an_upgrade(demo, next_pack):
    switch_matter(actor=demo.user("centreadmin"), matter=food(demo), enabled=False)

    upgrade(demo, next_pack)

    assert not food(demo).is_active
    assert current_version(food(demo)).definition["hours"] == NEW_HOURS


def test_taking_the_pack_value_resolves_a_conflict(demo, next_pack):
    admin = demo.user("centreadmin")
    set_overlay_field(actor=admin, matter=food(demo), path=PROMISED, value=3)
    upgrade(demo, next_pack)

    resolve_conflict(
        actor=admin, conflict=UpgradeConflict.objects.get(), take_pack=True
    )

    conflict = UpgradeConflict.objects.get()
    assert conflict.resolution == "pack"
    assert current_version(food(demo)).guide.time_limit("promised") == (
        4,
        "working_days",
    )


def test_pack_with_another_id_is_refused(demo, tmp_path):
    other = load_pack(build_next_pack(tmp_path / "other", pack_id="other-pack"))

    with pytest.raises(PackIdMismatch) as raised:
        upgrade(demo, other)

    assert "other-pack" in raised.value.render()
    assert PackInstallation.objects.filter(kind="upgrade").count() == 0


@pytest.mark.parametrize("version", [SHIPPED, "0.0.9", f"{SHIPPED}-rc.1"])
def test_pack_version_not_newer_is_refused(demo, tmp_path, version):
    older = load_pack(build_next_pack(tmp_path / "older", version=version))

    with pytest.raises(CommandError, match=r"pack_upgrade\.not_newer"):
        call_command(
            "pack", "upgrade", "--region", "440604", "--pack", str(tmp_path / "older")
        )
    with pytest.raises(PackNotNewer):
        upgrade(demo, older)

    assert food(demo).pack_version == SHIPPED


@pytest.mark.parametrize(
    ("left", "right", "expected"),
    [
        ("0.2.0", "0.1.0", 1),
        ("0.10.0", "0.9.0", 1),
        ("1.0.0-alpha", "1.0.0", -1),
        ("1.0.0-alpha.1", "1.0.0-alpha.beta", -1),
        ("1.0.0-rc.2", "1.0.0-rc.10", -1),
        ("1.0.0+build.5", "1.0.0", 0),
    ],
)
def test_versions_compare_by_semantic_versioning(left, right, expected):
    assert compare_versions(left, right) == expected


@pytest.mark.parametrize("posted", [{"choice": "bogus"}, {}])
def test_unknown_conflict_choice_is_rejected(demo, next_pack, posted):
    admin = demo.user("centreadmin")
    set_overlay_field(actor=admin, matter=food(demo), path=PROMISED, value=3)
    upgrade(demo, next_pack)
    conflict = UpgradeConflict.objects.get()

    response = demo.client("centreadmin").post(
        f"/catalog/{demo.centre.slug}/conflicts/",
        {"conflict": str(conflict.pk), **posted},
        headers={"Accept-Language": "en"},
    )

    body = response.content.decode()
    assert response.status_code == 400
    assert "form.unknown_choice" in body
    assert "centre, pack" in body
    conflict.refresh_from_db()
    assert conflict.resolution == ""


@pytest.mark.parametrize(
    ("region", "code"),
    [("999999", "region.unknown"), ("440600", "region.not_county")],
)
def test_upgrade_checks_region_first(db, region, code):
    with pytest.raises(CommandError) as raised:
        call_command(
            "pack",
            "upgrade",
            "--region",
            region,
            "--pack",
            str(STANDARD_PACK_DIR),
        )

    assert str(raised.value).startswith(f"{code}: ")
    assert region in str(raised.value)


def demo_bindings_file(tmp_path: Path, pack) -> Path:
    """Write the demo centre's own bindings, so that only the pack version differs."""
    departments = {
        role: {"name": binding.name, "uscc": binding.uscc}
        for role, binding in demo_bindings(pack).items()
    }
    path = tmp_path / "bindings.yaml"
    path.write_text(
        yaml.safe_dump({"departments": departments}, allow_unicode=True),
        encoding="utf-8",
    )
    return path


def provision_command(pack_dir: Path, bindings: Path) -> str:
    out = StringIO()
    call_command(
        "provision",
        "--region",
        "440604",
        "--pack",
        str(pack_dir),
        "--bindings",
        str(bindings),
        stdout=out,
    )
    return out.getvalue()


def test_provision_older_pack_after_upgrade_rejected(demo, next_pack, tmp_path):
    upgrade(demo, next_pack)
    bindings = demo_bindings_file(tmp_path, next_pack)
    installations = PackInstallation.objects.count()

    with (
        translation.override("en"),
        pytest.raises(CommandError) as raised,
    ):
        provision_command(STANDARD_PACK_DIR, bindings)

    message = str(raised.value)
    assert message.startswith("pack_upgrade.older_than_installed: ")
    assert f"version {SHIPPED} is older than {NEXT}" in message
    assert "`onestop pack upgrade`" in message
    assert PackInstallation.objects.count() == installations
    assert food(demo).pack_version == NEXT
    assert current_version(food(demo)).definition["conditions"] == NEW_CONDITIONS


def test_provision_older_pack_error_in_chinese(demo, next_pack):
    upgrade(demo, next_pack)

    with translation.override("zh-hans"):
        with pytest.raises(PackOlderThanInstalled) as raised:
            provision_centre(
                actor=None,
                region_code="440604",
                pack=load_pack(STANDARD_PACK_DIR),
                bindings=demo_bindings(next_pack),
            )
        message = raised.value.render()

    assert SHIPPED in message
    assert NEXT in message
    assert "onestop pack upgrade" in message
    assert isinstance(raised.value, PackNotNewer)


def test_provision_same_version_after_upgrade_allowed(
    demo, next_pack, next_pack_dir, tmp_path
):
    upgrade(demo, next_pack)
    bindings = demo_bindings_file(tmp_path, next_pack)
    bindings.write_text(
        bindings.read_text(encoding="utf-8").replace("佛山市禅城区市场", "禅城区市场"),
        encoding="utf-8",
    )

    provision_command(next_pack_dir, bindings)

    market = Department.objects.get(centre=demo.centre, role_key="market_regulation")
    assert market.name.startswith("禅城区市场")
    assert food(demo).pack_version == NEXT


def test_demo_again_keeps_newer_pack(demo, next_pack):
    upgrade(demo, next_pack)
    installations = PackInstallation.objects.count()
    versions = MatterVersion.objects.filter(centre=demo.centre).count()

    result, _accounts = provision_demo(calendar_years=[2026])

    assert result.kept_version == NEXT
    assert PackInstallation.objects.count() == installations
    assert MatterVersion.objects.filter(centre=demo.centre).count() == versions
    assert food(demo).pack_version == NEXT
    with translation.override("en"):
        assert f"is on pack version {NEXT}, newer than" in result.message()


def test_merge_invalid_details_are_codes(demo, tmp_path):
    set_overlay_field(
        actor=demo.user("centreadmin"), matter=food(demo), path=PROMISED, value=8
    )
    folder = build_next_pack(tmp_path / "shorter")

    def shorten(data):
        data["time_limits"]["statutory"]["amount"] = 6
        data["time_limits"]["promised"]["amount"] = 5

    edit_yaml(folder / "matters" / f"{FOOD}.yaml", shorten)

    with translation.override("en"), pytest.raises(MergeInvalid) as raised:
        upgrade(demo, load_pack(folder))
    message = raised.value.render()

    place = {
        "matter": FOOD,
        "where": "time_limits.promised.amount",
        "rule": "time_limits.promised_exceeds_statutory",
    }
    assert raised.value.as_dict()["details"] == {
        **place,
        "count": 1,
        "errors": [place],
    }
    assert message.startswith(
        "The centre's changes do not fit the new pack at 1 place, so nothing was "
        "written:"
    )
    assert (
        f"  {FOOD}: time_limits.promised.amount: The promised limit 8 working days "
        "is longer than the statutory limit 6 working days." in message
    )
    assert food(demo).pack_version == SHIPPED


TREE = "tree-felling-permit"


def pack_with_two_misfits(demo, folder: Path) -> Path:
    """Build a next pack whose statutory limits are below the centre's two promises."""
    admin = demo.user("centreadmin")
    set_overlay_field(actor=admin, matter=food(demo), path=PROMISED, value=3)
    tree = Matter.objects.get(centre=demo.centre, pack_id=TREE)
    set_overlay_field(actor=admin, matter=tree, path=PROMISED, value=4)
    build_next_pack(folder)

    def statutory(amount):
        def change(data):
            data["time_limits"]["statutory"]["amount"] = amount
            data["time_limits"]["promised"]["amount"] = amount
            data["time_limits"]["statutory"].pop("extension", None)

        return change

    edit_yaml(folder / "matters" / f"{FOOD}.yaml", statutory(2))
    edit_yaml(folder / "matters" / f"{TREE}.yaml", statutory(3))
    return folder


def test_merge_invalid_lists_every_matter(demo, tmp_path):
    folder = pack_with_two_misfits(demo, tmp_path / "two")

    with translation.override("en"), pytest.raises(MergeInvalid) as raised:
        upgrade(demo, load_pack(folder))

    details = raised.value.as_dict()["details"]
    assert details["count"] == 2
    assert [error["matter"] for error in details["errors"]] == [FOOD, TREE]
    assert "at 2 places" in raised.value.render()
    assert food(demo).pack_version == SHIPPED
    assert Matter.objects.get(centre=demo.centre, pack_id=TREE).pack_version == SHIPPED


def test_dry_run_prints_plan_and_every_misfit(demo, tmp_path):
    folder = pack_with_two_misfits(demo, tmp_path / "dry")
    out = StringIO()

    with translation.override("en"), pytest.raises(CommandError) as raised:
        call_command(
            "pack",
            "upgrade",
            "--region",
            demo.centre.region_code,
            "--pack",
            str(folder),
            "--dry-run",
            stdout=out,
        )

    printed = out.getvalue()
    message = str(raised.value)
    assert f"standard {SHIPPED} → {NEXT}" in printed
    assert f"update: {FOOD}" in printed
    assert message.startswith("pack_upgrade.merge_invalid: ")
    assert f"  {FOOD}: time_limits.promised.amount: " in message
    assert f"  {TREE}: time_limits.promised.amount: " in message
    assert "statutory limit 3 working days" in message
    assert food(demo).pack_version == SHIPPED


# Progress of an upgrade: one step to plan each pack matter, one to apply each item.


def test_upgrade_reports_progress(demo, next_pack):
    reports: list[tuple[int, int]] = []

    plan = upgrade(
        demo, next_pack, progress=lambda done, total: reports.append((done, total))
    )

    steps = len(next_pack.matters) + len(plan.matters)
    assert len(plan.matters) == len(next_pack.matters) + 1  # the removed matter
    assert reports[0] == (1, 2 * len(next_pack.matters))
    assert reports[-1] == (steps, steps)
    assert len(reports) == steps
    assert_rises_to_total(reports)


def test_dry_run_reports_planning_progress(demo, next_pack):
    reports: list[tuple[int, int]] = []

    upgrade(
        demo,
        next_pack,
        dry_run=True,
        progress=lambda done, total: reports.append((done, total)),
    )

    count = len(next_pack.matters)
    assert reports == [(done, count) for done in range(1, count + 1)]


def test_upgrade_command_output_without_terminal(
    demo, next_pack_dir, capsys, monkeypatch
):
    for name in TERMINAL_VARIABLES:
        monkeypatch.delenv(name, raising=False)

    with translation.override("en"):
        output = run_command(next_pack_dir, "--dry-run")

    captured = capsys.readouterr()
    assert captured.out == ""
    assert captured.err == ""
    assert output.startswith(f"standard {SHIPPED} → {NEXT}")
    assert output.endswith("Dry run: nothing was written.\n")
