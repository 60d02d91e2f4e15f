"""Local overlays: field changes of a centre, validation, switching off and local matters."""

from __future__ import annotations

import copy
import json

import pytest
import yaml
from django.contrib.messages import get_messages
from django.utils import translation

from onestop.cases.queries import open_matters
from onestop.catalog.models import Matter, MatterOverlay, MatterVersion
from onestop.catalog.overlay import (
    OverlayFieldNotSet,
    OverlayPathInvalid,
    OverlayPathMissing,
    OverlayPathOverlaps,
    OverlayValueInvalid,
    OverlayValueTooLarge,
    add_local_matter,
    base_definition,
    effective_definition,
    local_matter_template,
    overlay_diff,
    remove_overlay_field,
    set_overlay_field,
    set_overlay_fields,
    switch_matter,
)
from onestop.catalog.packs import STANDARD_PACK_DIR
from onestop.catalog.packs.reader import MAX_FILE_BYTES
from onestop.core.models import AuditEvent
from onestop.core.permissions import RoleRequired
from onestop.testing import current_version, material_files, valid_form

pytestmark = pytest.mark.django_db

FOOD = "food-business-licence"
PROMISED = "time_limits.promised.amount"
LOCAL_MATERIAL = {
    "key": "local_safety_pledge",
    "name": "食品安全承诺书",
    "form": ["paper"],
    "kind": "original",
    "copies": 1,
    "necessity": "required",
    "source": "applicant",
}


def food(demo) -> Matter:
    return Matter.objects.select_related("current_version").get(
        centre=demo.centre, pack_id=FOOD
    )


def local_definition(department: str = "market_regulation") -> dict:
    definition = local_matter_template(department)
    definition.update(
        id="local-night-market-stall",
        name="夜市摊位备案",
        materials=[LOCAL_MATERIAL],
        form_fields=[
            {"key": "stall_name", "label": "摊位名称", "type": "text", "required": True}
        ],
    )
    return definition


def test_shorter_promised_limit_creates_a_new_version(demo):
    matter = food(demo)
    old_version = current_version(matter)

    changed = set_overlay_field(
        actor=demo.user("centreadmin"), matter=matter, path=PROMISED, value=3
    )

    assert current_version(changed).number == old_version.number + 1
    assert current_version(changed).guide.time_limit("promised") == (3, "working_days")
    old_version.refresh_from_db()
    assert old_version.definition["time_limits"]["promised"]["amount"] == 5


def test_overlay_change_is_audited_with_path_and_version(demo):
    matter = set_overlay_field(
        actor=demo.user("centreadmin"), matter=food(demo), path=PROMISED, value=3
    )

    event = AuditEvent.objects.get(verb="matter.overlay_set")
    assert event.actor_role == "centre_admin"
    assert event.data["paths"] == [PROMISED]
    assert event.data["version"] == current_version(matter).number


def test_extra_local_material_is_required_of_applicants(demo):
    matter = food(demo)
    materials = [*current_version(matter).guide.materials, LOCAL_MATERIAL]

    matter = set_overlay_field(
        actor=demo.user("centreadmin"), matter=matter, path="materials", value=materials
    )

    keys = [item["key"] for item in current_version(matter).guide.materials]
    assert keys[-1] == "local_safety_pledge"
    assert "material.local_safety_pledge" in material_files(matter)


def test_diff_lists_pack_value_and_centre_value(demo):
    admin = demo.user("centreadmin")
    matter = set_overlay_field(actor=admin, matter=food(demo), path=PROMISED, value=3)
    matter = set_overlay_field(
        actor=admin, matter=matter, path="hours", value="周一至周六"
    )

    rows = {row.path: row for row in overlay_diff(matter)}

    assert sorted(rows) == ["hours", PROMISED]
    assert rows[PROMISED].pack_value == 5
    assert rows[PROMISED].centre_value == 3
    assert rows["hours"].centre_value == "周一至周六"


def test_removing_a_field_restores_the_pack_value(demo):
    admin = demo.user("centreadmin")
    matter = set_overlay_field(actor=admin, matter=food(demo), path=PROMISED, value=3)

    matter = remove_overlay_field(actor=admin, matter=matter, path=PROMISED)

    assert overlay_diff(matter) == []
    assert current_version(matter).guide.time_limit("promised") == (5, "working_days")
    assert AuditEvent.objects.filter(verb="matter.overlay_removed").count() == 1


def test_removing_a_field_the_centre_never_changed_is_refused(demo):
    with pytest.raises(OverlayFieldNotSet) as raised:
        remove_overlay_field(
            actor=demo.user("centreadmin"), matter=food(demo), path="hours"
        )

    assert raised.value.code == "overlay.field_not_set"
    assert "hours" in raised.value.render()


def test_value_equal_to_the_pack_value_is_not_stored(demo):
    matter = set_overlay_field(
        actor=demo.user("centreadmin"), matter=food(demo), path=PROMISED, value=5
    )

    assert MatterOverlay.objects.filter(matter=matter).count() == 0
    assert current_version(matter).number == 1


@pytest.mark.parametrize(
    ("path", "value", "rule"),
    [
        (PROMISED, "three", "schema.type"),
        (PROMISED, 30, "time_limits.promised_exceeds_statutory"),
        ("handling_type", "sometimes", "schema.enum"),
        ("no_such_field", 1, "schema.unknown_key"),
        ("department", "no_such_department", "reference.department"),
    ],
)
def test_invalid_value_is_rejected_naming_path_and_rule(demo, path, value, rule):
    matter = food(demo)
    versions = MatterVersion.objects.count()

    with pytest.raises(OverlayValueInvalid) as raised:
        set_overlay_field(
            actor=demo.user("centreadmin"), matter=matter, path=path, value=value
        )

    assert raised.value.code == "overlay.value_invalid"
    assert raised.value.details["rule"] == rule
    assert path in raised.value.render()
    assert MatterOverlay.objects.count() == 0
    assert MatterVersion.objects.count() == versions
    assert AuditEvent.objects.filter(verb="matter.overlay_set").count() == 0


def test_one_invalid_value_among_several_saves_none(demo):
    matter = food(demo)

    with pytest.raises(OverlayValueInvalid):
        set_overlay_fields(
            actor=demo.user("centreadmin"),
            matter=matter,
            changes={"hours": "全天", PROMISED: -1},
        )

    assert MatterOverlay.objects.count() == 0
    assert current_version(food(demo)).number == 1


@pytest.mark.parametrize("path", ["id", "Time_limits", "materials[0].copies", "a..b"])
def test_malformed_path_is_rejected(demo, path):
    with pytest.raises(OverlayPathInvalid):
        set_overlay_field(
            actor=demo.user("centreadmin"), matter=food(demo), path=path, value=1
        )

    assert MatterOverlay.objects.count() == 0


@pytest.mark.parametrize("path", ["", "   "])
def test_empty_path_is_missing(demo, path):
    with pytest.raises(OverlayPathMissing) as raised:
        set_overlay_field(
            actor=demo.user("centreadmin"), matter=food(demo), path=path, value=1
        )

    assert raised.value.code == "overlay.path_missing"
    assert MatterOverlay.objects.count() == 0


def test_only_an_admin_of_the_centre_may_change_a_matter(demo, other_centre):
    nanhai_food = Matter.objects.get(centre=other_centre, pack_id=FOOD)

    with pytest.raises(RoleRequired):
        set_overlay_field(
            actor=demo.user("centreadmin"), matter=nanhai_food, path=PROMISED, value=3
        )
    with pytest.raises(RoleRequired):
        set_overlay_field(
            actor=demo.user("clerk"), matter=food(demo), path=PROMISED, value=3
        )

    assert MatterOverlay.objects.count() == 0


def test_platform_admin_may_change_any_centre(demo, other_centre):
    nanhai_food = Matter.objects.get(centre=other_centre, pack_id=FOOD)

    matter = set_overlay_field(
        actor=demo.user("platform"), matter=nanhai_food, path=PROMISED, value=4
    )

    assert effective_definition(matter)["time_limits"]["promised"]["amount"] == 4


def test_switched_off_matter_disappears_from_search(demo):
    switch_matter(actor=demo.user("centreadmin"), matter=food(demo), enabled=False)

    found = [m.pack_id for m in open_matters(demo.centre, "食品经营")]

    assert FOOD not in found
    assert AuditEvent.objects.filter(verb="matter.switched_off").count() == 1


def test_switched_off_matter_cannot_be_applied_for(demo):
    matter = switch_matter(
        actor=demo.user("centreadmin"), matter=food(demo), enabled=False
    )
    data = {"centre": demo.centre.slug, "matter": FOOD, **valid_form(matter)}
    data.update(material_files(matter))

    response = demo.client("applicant").post(
        "/api/v1/cases", data, headers={"Idempotency-Key": "switched-off"}
    )

    assert response.status_code == 400
    assert response.json()["code"] == "matter.not_open"


def test_switching_back_on_leaves_no_overlay(demo):
    admin = demo.user("centreadmin")
    matter = switch_matter(actor=admin, matter=food(demo), enabled=False)

    matter = switch_matter(actor=admin, matter=matter, enabled=True)

    assert matter.is_active
    assert MatterOverlay.objects.count() == 0


def test_local_matter_can_be_applied_for(demo):
    matter = add_local_matter(
        actor=demo.user("centreadmin"),
        centre=demo.centre,
        definition=local_definition(),
    )
    data = {"centre": demo.centre.slug, "matter": matter.pack_id, **valid_form(matter)}
    data.update(material_files(matter))

    response = demo.client("applicant").post(
        "/api/v1/cases", data, headers={"Idempotency-Key": "local-matter"}
    )

    assert response.status_code == 201, response.content
    assert matter.origin == "local"
    assert matter.pack_id in [m.pack_id for m in open_matters(demo.centre, "夜市")]


def test_invalid_local_matter_is_rejected_and_nothing_saved(demo):
    definition = local_definition(department="no_such_department")

    with pytest.raises(OverlayValueInvalid) as raised:
        add_local_matter(
            actor=demo.user("centreadmin"), centre=demo.centre, definition=definition
        )

    assert raised.value.details["rule"] == "reference.department"
    assert not Matter.objects.filter(pack_id="local-night-market-stall").exists()


# --- pages -------------------------------------------------------------------------------


def overlay_url(demo, pack_id: str = FOOD) -> str:
    return f"/catalog/{demo.centre.slug}/matters/{pack_id}/"


def test_editor_saves_a_shorter_promised_limit(demo):
    client = demo.client("centreadmin")
    page = client.get(overlay_url(demo))
    assert page.status_code == 200
    assert 'name="time_limits.promised.amount"' in page.content.decode()

    response = client.post(
        overlay_url(demo), {"action": "common", PROMISED: "3", "name": "食品经营许可"}
    )

    assert response.status_code == 302
    assert current_version(food(demo)).guide.time_limit("promised") == (
        3,
        "working_days",
    )
    assert list(MatterOverlay.objects.values_list("path", flat=True)) == [PROMISED]


def test_editor_sets_any_field_from_json(demo):
    response = demo.client("centreadmin").post(
        overlay_url(demo), {"action": "path", "path": "visits.count", "value": "0"}
    )

    assert response.status_code == 302
    assert current_version(food(demo)).definition["visits"]["count"] == 0


def test_editor_shows_the_error_and_saves_nothing(demo):
    response = demo.client("centreadmin").post(
        overlay_url(demo), {"action": "path", "path": PROMISED, "value": '"soon"'}
    )

    assert response.status_code == 400
    assert 'data-code="overlay.value_invalid"' in response.content.decode()
    assert PROMISED in response.content.decode()
    assert MatterOverlay.objects.count() == 0


def test_editor_reports_malformed_json(demo):
    response = demo.client("centreadmin").post(
        overlay_url(demo), {"action": "path", "path": "hours", "value": "{oops"}
    )

    assert response.status_code == 400
    assert 'data-code="overlay.json_invalid"' in response.content.decode()


def test_editor_switches_a_matter_off(demo):
    response = demo.client("centreadmin").post(overlay_url(demo), {"action": "switch"})

    assert response.status_code == 302
    assert not food(demo).is_active


def test_diff_page_shows_pack_value_and_centre_value(demo):
    set_overlay_field(
        actor=demo.user("centreadmin"), matter=food(demo), path=PROMISED, value=3
    )

    page = demo.client("centreadmin").get(overlay_url(demo) + "diff/")

    body = page.content.decode()
    assert page.status_code == 200
    assert f"<code>{PROMISED}</code></td><td><pre>5</pre></td><td><pre>3</pre>" in body


def test_matter_list_shows_switched_off_matters_to_the_admin(demo):
    switch_matter(actor=demo.user("centreadmin"), matter=food(demo), enabled=False)

    page = demo.client("centreadmin").get("/catalog/")

    assert page.status_code == 302
    body = demo.client("centreadmin").get(page.url).content.decode()
    assert overlay_url(demo) in body


def test_local_matter_page_adds_a_matter(demo):
    client = demo.client("centreadmin")
    assert client.get(f"/catalog/{demo.centre.slug}/matters/new/").status_code == 200

    response = client.post(
        f"/catalog/{demo.centre.slug}/matters/new/",
        {"definition": json.dumps(local_definition(), ensure_ascii=False)},
    )

    assert response.status_code == 302
    assert Matter.objects.get(pack_id="local-night-market-stall").origin == "local"


def test_clerk_cannot_open_the_editor(demo):
    page = demo.client("clerk").get(overlay_url(demo))

    assert page.status_code == 403
    assert "permission.role_required" in page.content.decode()


@pytest.mark.parametrize("posted", [{"action": "bogus"}, {}])
def test_editor_rejects_unknown_action(demo, posted):
    response = demo.client("centreadmin").post(
        overlay_url(demo), posted, headers={"Accept-Language": "en"}
    )

    body = response.content.decode()
    assert response.status_code == 400
    assert 'data-code="form.unknown_choice"' in body
    assert f"has the value &quot;{posted.get('action', '')}&quot;" in body
    assert "common, path, remove, switch" in body
    assert food(demo).is_active
    assert not AuditEvent.objects.filter(verb="matter.switched_off").exists()


@pytest.mark.parametrize("typed", ["abc", "", "1.5"])
def test_number_box_rejects_non_numbers(demo, typed):
    response = demo.client("centreadmin").post(
        overlay_url(demo),
        {"action": "common", PROMISED: typed},
        headers={"Accept-Language": "zh-hans"},
    )

    body = response.content.decode()
    assert response.status_code == 400
    assert 'data-code="overlay.number_invalid"' in body
    assert f"承诺时限（按该时限的单位计）（{PROMISED}）必须是整数" in body
    assert f"不能是“{typed}”" in body
    assert "Expecting value" not in body
    assert MatterOverlay.objects.count() == 0


def test_number_box_reads_full_width_digits(demo):
    response = demo.client("centreadmin").post(
        overlay_url(demo), {"action": "common", PROMISED: "３", "name": "食品经营许可"}
    )

    assert response.status_code == 302
    assert current_version(food(demo)).guide.time_limit("promised") == (
        3,
        "working_days",
    )


@pytest.mark.parametrize(
    ("language", "shown"),
    [
        (
            "en",
            "The value for Name (name) was not saved. At Name (name): The text must "
            "have at least 1 character.",
        ),
        (
            "zh-hans",
            "名称（name）的取值未保存。在名称（name）处：文本至少需要 1 个字符。",
        ),
    ],
)
def test_empty_name_named_by_label(demo, language, shown):
    response = demo.client("centreadmin").post(
        overlay_url(demo),
        {"action": "common", "name": ""},
        headers={"Accept-Language": language},
    )

    body = response.content.decode()
    assert response.status_code == 400
    assert 'data-code="overlay.value_invalid"' in body
    assert shown in body
    assert food(demo).name == "食品经营许可"
    assert MatterOverlay.objects.count() == 0


def test_empty_materials_rejected(demo):
    listed = len(effective_definition(food(demo))["materials"])

    response = demo.client("centreadmin").post(
        overlay_url(demo),
        {"action": "path", "path": "materials", "value": "[]"},
        headers={"Accept-Language": "zh-hans"},
    )

    body = response.content.decode()
    assert response.status_code == 400
    assert 'data-code="overlay.materials_empty"' in body
    assert (
        f"食品经营许可的申请材料未保存：新的材料清单为空，而事项包为本事项列出了 {listed} "
        "项材料，申请至少需要一项材料。" in body
    )
    assert MatterOverlay.objects.count() == 0
    assert len(effective_definition(food(demo))["materials"]) == listed


def test_local_matter_page_accepts_yaml(demo):
    text = yaml.safe_dump(local_definition(), allow_unicode=True, sort_keys=False)

    response = demo.client("centreadmin").post(
        f"/catalog/{demo.centre.slug}/matters/new/", {"definition": text}
    )

    assert response.status_code == 302
    assert Matter.objects.get(pack_id="local-night-market-stall").origin == "local"


def test_local_matter_page_offers_yaml(demo):
    page = demo.client("centreadmin").get(f"/catalog/{demo.centre.slug}/matters/new/")

    assert "id: local-new-matter" in page.content.decode()


def test_local_matter_page_names_yaml_line(demo):
    response = demo.client("centreadmin").post(
        f"/catalog/{demo.centre.slug}/matters/new/",
        {"definition": "id: a\nname: [unclosed\n"},
        headers={"Accept-Language": "en"},
    )

    body = response.content.decode()
    assert response.status_code == 400
    assert 'data-code="overlay.definition_unreadable"' in body
    assert "at line 3, column 1" in body
    assert not Matter.objects.filter(origin="local").exists()


def test_local_matter_unknown_department_lists_centre_codes(demo):
    definition = local_definition(department="no_such_department")

    response = demo.client("centreadmin").post(
        f"/catalog/{demo.centre.slug}/matters/new/",
        {"definition": json.dumps(definition, ensure_ascii=False)},
        headers={"Accept-Language": "en"},
    )

    body = response.content.decode()
    assert response.status_code == 400
    assert "no_such_department is not a department of this centre" in body
    assert "market_regulation" in body
    assert "departments.yaml" not in body


def test_editor_rejects_repeated_action(demo):
    response = demo.client("centreadmin").post(
        overlay_url(demo), {"action": ["bogus", "common"], "name": "新名称"}
    )

    assert response.status_code == 400
    assert 'data-code="form.unknown_choice"' in response.content.decode()
    assert food(demo).name != "新名称"


def test_editor_rejects_lone_surrogate_and_keeps_guide(demo):
    response = demo.client("centreadmin").post(
        overlay_url(demo),
        {"action": "path", "path": "legal_basis", "value": '[{"title": "\\udc00x"}]'},
    )

    assert response.status_code == 400
    assert 'data-code="request.text_invalid"' in response.content.decode()
    guide = demo.client("applicant").get(
        f"/api/v1/centres/{demo.centre.slug}/matters/food-business-licence"
    )
    assert guide.status_code == 200


def test_local_matter_page_rejects_lone_surrogate(demo):
    text = yaml.safe_dump(local_definition(), allow_unicode=True, sort_keys=False)
    text = text.replace("name: ", 'name: "\\ud800"\nold_name: ', 1)

    response = demo.client("centreadmin").post(
        f"/catalog/{demo.centre.slug}/matters/new/", {"definition": text}
    )

    assert response.status_code == 400
    assert 'data-code="request.text_invalid"' in response.content.decode()
    assert not Matter.objects.filter(origin="local").exists()


# --- null optional keys, notices and limits -----------------------------------------------

LEGAL_BASIS = [{"title": "本地食品经营管理办法", "article": "第三条"}]


def pack_file_value(key: str):
    matter_file = STANDARD_PACK_DIR / "matters" / f"{FOOD}.yaml"
    return yaml.safe_load(matter_file.read_text(encoding="utf-8"))[key]


def test_legal_basis_overlay_can_be_removed(demo):
    # The pack's second legal basis has no article, which the pack stores as null.
    admin = demo.user("centreadmin")
    matter = set_overlay_field(
        actor=admin, matter=food(demo), path="legal_basis", value=LEGAL_BASIS
    )

    matter = remove_overlay_field(actor=admin, matter=matter, path="legal_basis")

    assert MatterOverlay.objects.count() == 0
    restored = effective_definition(matter)["legal_basis"]
    assert restored == base_definition(matter)["legal_basis"]
    assert restored[1]["article"] is None


def test_remove_form_restores_legal_basis(demo):
    client = demo.client("centreadmin")
    client.post(
        overlay_url(demo),
        {"action": "path", "path": "legal_basis", "value": json.dumps(LEGAL_BASIS)},
    )

    response = client.post(
        overlay_url(demo),
        {"action": "remove", "path": "legal_basis"},
        headers={"Accept-Language": "en"},
    )

    assert response.status_code == 302
    assert MatterOverlay.objects.count() == 0
    notices = [str(message) for message in get_messages(response.wsgi_request)]
    assert notices[-1] == "The field legal_basis has the pack's value again."


def test_value_from_the_pack_file_is_not_stored(demo):
    admin = demo.user("centreadmin")
    matter = set_overlay_field(
        actor=admin, matter=food(demo), path="legal_basis", value=LEGAL_BASIS
    )

    set_overlay_field(
        actor=admin,
        matter=matter,
        path="legal_basis",
        value=pack_file_value("legal_basis"),
    )

    assert MatterOverlay.objects.count() == 0


def test_explicit_null_optional_key_equals_absent(demo):
    value = copy.deepcopy(pack_file_value("legal_basis"))
    value[1]["article"] = None

    set_overlay_field(
        actor=demo.user("centreadmin"),
        matter=food(demo),
        path="legal_basis",
        value=value,
    )

    assert MatterOverlay.objects.count() == 0


def test_one_saved_field_is_singular(demo):
    response = demo.client("centreadmin").post(
        overlay_url(demo),
        {"action": "common", "name": "食品经营许可（本地）"},
        headers={"Accept-Language": "en"},
    )

    notices = [str(message) for message in get_messages(response.wsgi_request)]
    assert notices == ["Saved 1 changed field."]


def test_pack_value_in_editor_reports_pack_value(demo):
    client = demo.client("centreadmin")
    client.post(overlay_url(demo), {"action": "common", "name": "本地名称"})
    pack_name = base_definition(food(demo))["name"]

    response = client.post(
        overlay_url(demo),
        {"action": "common", "name": pack_name, PROMISED: "3"},
        headers={"Accept-Language": "en"},
    )

    notices = [str(message) for message in get_messages(response.wsgi_request)]
    assert notices[-2:] == [
        "Saved 1 changed field.",
        "The field name has the pack's value again.",
    ]
    assert list(MatterOverlay.objects.values_list("path", flat=True)) == [PROMISED]


def test_unchanged_editor_form_saves_nothing(demo):
    pack_name = base_definition(food(demo))["name"]

    response = demo.client("centreadmin").post(
        overlay_url(demo),
        {"action": "common", "name": pack_name},
        headers={"Accept-Language": "en"},
    )

    notices = [str(message) for message in get_messages(response.wsgi_request)]
    assert notices == ["No field was changed, so nothing was saved."]


def conflicts_url(demo) -> str:
    return f"/catalog/{demo.centre.slug}/conflicts/"


@pytest.mark.parametrize(
    ("posted", "shown"),
    [
        ({"choice": "pack"}, "&quot;&quot;"),
        ({"choice": "pack", "conflict": "abc"}, "&quot;abc&quot;"),
        ({"choice": "pack", "conflict": "²"}, "&quot;²&quot;"),
        ({"choice": "pack", "conflict": ["1", "2"]}, "&quot;1 + 2&quot;"),
    ],
)
def test_conflicts_page_rejects_invalid_id(demo, posted, shown):
    response = demo.client("centreadmin").post(
        conflicts_url(demo), posted, headers={"Accept-Language": "en"}
    )

    body = response.content.decode()
    assert response.status_code == 400
    assert "<code>pack_upgrade.conflict_id_invalid</code>" in body
    assert f"The form field conflict has the value {shown}" in body


def test_conflicts_page_invalid_id_in_chinese(demo):
    response = demo.client("centreadmin").post(
        conflicts_url(demo),
        {"choice": "pack", "conflict": "abc"},
        headers={"Accept-Language": "zh-hans"},
    )

    assert response.status_code == 400
    assert "表单字段 conflict 的值为“abc”，不是冲突编号" in response.content.decode()


def local_matter_text(**changes) -> str:
    definition = local_definition()
    definition.update(changes)
    return yaml.safe_dump(definition, allow_unicode=True, sort_keys=False)


def test_local_matter_over_size_limit(demo):
    text = local_matter_text(conditions="条" * 400_000)
    size = len(text.encode("utf-8"))

    response = demo.client("centreadmin").post(
        f"/catalog/{demo.centre.slug}/matters/new/",
        {"definition": text},
        headers={"Accept-Language": "en"},
    )

    body = response.content.decode()
    assert response.status_code == 400
    assert 'data-code="overlay.definition_too_large"' in body
    assert f"has {size} bytes, more than the limit of {MAX_FILE_BYTES}" in body
    assert not Matter.objects.filter(origin="local").exists()


def test_local_matter_too_large_in_chinese(demo):
    response = demo.client("centreadmin").post(
        f"/catalog/{demo.centre.slug}/matters/new/",
        {"definition": local_matter_text(conditions="a" * MAX_FILE_BYTES)},
        headers={"Accept-Language": "zh-hans"},
    )

    assert response.status_code == 400
    assert (
        f"超过事项包中事项文件 {MAX_FILE_BYTES} 字节的上限" in response.content.decode()
    )


@pytest.mark.parametrize(
    ("name", "shown"),
    [
        ("本地\u200b事项", "U+200B (ZERO WIDTH SPACE)"),
        ("本地\x07事项", "U+0007"),
        ("本地事项\n", "U+000A"),
    ],
)
def test_local_matter_name_rejects_hidden_characters(demo, name, shown):
    response = demo.client("centreadmin").post(
        f"/catalog/{demo.centre.slug}/matters/new/",
        {"definition": json.dumps({**local_definition(), "name": name})},
        headers={"Accept-Language": "en"},
    )

    body = response.content.decode()
    assert response.status_code == 400
    assert "The local matter was not saved. At Name (name):" in body
    assert f"The text contains {shown}, a control or invisible character" in body
    assert not Matter.objects.filter(origin="local").exists()


def test_local_material_name_rejects_hidden_characters(demo):
    material = {**LOCAL_MATERIAL, "name": "承诺书\u202e"}

    with pytest.raises(OverlayValueInvalid) as raised:
        add_local_matter(
            actor=demo.user("centreadmin"),
            centre=demo.centre,
            definition={**local_definition(), "materials": [material]},
        )

    assert raised.value.details["where"] == "materials[0].name"
    assert "U+202E (RIGHT-TO-LEFT OVERRIDE)" in raised.value.render()


def test_overlay_name_rejects_hidden_characters(demo):
    with pytest.raises(OverlayValueInvalid) as raised:
        set_overlay_field(
            actor=demo.user("centreadmin"),
            matter=food(demo),
            path="name",
            value="食品\u200b经营",
        )

    assert raised.value.details["rule"] == "text.character_invalid"
    assert MatterOverlay.objects.count() == 0


def test_local_matter_error_reads_in_chinese(demo):
    response = demo.client("centreadmin").post(
        f"/catalog/{demo.centre.slug}/matters/new/",
        {"definition": json.dumps({**local_definition(), "name": "本地\x07事项"})},
        headers={"Accept-Language": "zh-hans"},
    )

    body = response.content.decode()
    assert "本地事项未保存。在名称（name）处：" in body
    assert "text.character_invalid" not in body
    assert "文字中含有控制字符或不可见字符 U+0007" in body


@pytest.mark.parametrize(
    "posted",
    [
        {"action": "path", "path": "", "value": "1"},
        {"action": "path", "path": " ", "value": "not json"},
        {"action": "remove"},
        {"action": "remove", "path": ""},
    ],
)
@pytest.mark.parametrize(
    ("language", "shown"),
    [
        ("en", "The field path is missing."),
        ("zh-hans", "未填写字段路径。"),
    ],
)
def test_editor_reports_missing_path(demo, posted, language, shown):
    response = demo.client("centreadmin").post(
        overlay_url(demo), posted, headers={"Accept-Language": language}
    )

    body = response.content.decode()
    assert response.status_code == 400
    assert 'data-code="overlay.path_missing"' in body
    assert shown in body
    assert "not valid JSON" not in body
    assert "不是有效的 JSON" not in body
    assert MatterOverlay.objects.count() == 0


@pytest.mark.parametrize(
    ("language", "shown"),
    [
        (
            "en",
            "At Promised limit (amount in the limit&#x27;s unit) "
            "(time_limits.promised.amount): The number -1 is below the minimum 0.",
        ),
        (
            "zh-hans",
            "在承诺时限（按该时限的单位计）（time_limits.promised.amount）处：数值 -1 "
            "小于最小值 0。",
        ),
    ],
)
def test_editor_error_names_no_rule_key(demo, language, shown):
    response = demo.client("centreadmin").post(
        overlay_url(demo),
        {"action": "path", "path": PROMISED, "value": "-1"},
        headers={"Accept-Language": language},
    )

    body = response.content.decode()
    assert response.status_code == 400
    assert 'data-code="overlay.value_invalid"' in body
    assert shown in body
    assert "schema.minimum" not in body


def test_overlay_error_keeps_rule_in_details(demo):
    with pytest.raises(OverlayValueInvalid) as raised:
        set_overlay_field(
            actor=demo.user("centreadmin"), matter=food(demo), path=PROMISED, value=-1
        )

    details = raised.value.as_dict()["details"]
    assert details["rule"] == "schema.minimum"
    assert details["where"] == PROMISED
    assert "schema.minimum" not in raised.value.render()


@pytest.mark.parametrize(
    ("language", "shown"),
    [
        (
            "en",
            "has the wrong form: write 2 to 81 lower-case letters, digits or "
            "hyphens, starting with a letter or digit.",
        ),
        ("zh-hans", "正确的格式：2 至 81 个小写字母、数字或连字符，以字母或数字开头。"),
    ],
)
def test_local_matter_id_rule_in_words(demo, language, shown):
    response = demo.client("centreadmin").post(
        f"/catalog/{demo.centre.slug}/matters/new/",
        {"definition": json.dumps({**local_definition(), "id": "Night_Market"})},
        headers={"Accept-Language": language},
    )

    body = response.content.decode()
    assert response.status_code == 400
    assert "Night_Market" in body
    assert shown in body
    assert "a-z0-9" not in body
    assert "schema.pattern" not in body
    assert not Matter.objects.filter(origin="local").exists()


def test_editor_json_error_in_chinese(demo):
    response = demo.client("centreadmin").post(
        overlay_url(demo),
        {"action": "path", "path": "materials", "value": "not json"},
        headers={"Accept-Language": "zh-hans"},
    )

    body = response.content.decode()
    assert response.status_code == 400
    assert "materials 的取值不是有效的 JSON（第 1 行第 1 列：此处应有一个值）" in body
    assert "Expecting" not in body


def test_editor_keeps_typed_values_on_error(demo):
    response = demo.client("centreadmin").post(
        overlay_url(demo),
        {
            "action": "common",
            "conditions": "MY EDITED CONDITIONS",
            "location": "MYLOC",
            PROMISED: "-1",
        },
        headers={"Accept-Language": "zh-hans"},
    )

    body = response.content.decode()
    assert response.status_code == 400
    assert 'data-code="overlay.value_invalid"' in body
    assert (
        '<textarea name="conditions" rows="3">MY EDITED CONDITIONS</textarea>' in body
    )
    assert '<input name="location" value="MYLOC">' in body
    assert f'name="{PROMISED}" value="-1" aria-invalid="true"' in body
    assert "已填写的内容已保留，但未保存任何内容。" in body
    assert MatterOverlay.objects.count() == 0


def test_editor_marks_the_invalid_field(demo):
    response = demo.client("centreadmin").post(
        overlay_url(demo),
        {"action": "common", "location": "MYLOC", PROMISED: "abc"},
        headers={"Accept-Language": "en"},
    )

    body = response.content.decode()
    promised_box = body.index(f'name="{PROMISED}"')
    field_error = body.index('class="field-error"')
    assert response.status_code == 400
    assert body.count('aria-invalid="true"') == 1
    assert f'name="{PROMISED}" value="abc" aria-invalid="true"' in body
    assert promised_box < field_error < body.index('name="conditions"')
    assert "must be a whole number such as 5" in body[field_error:]
    assert '<input name="location" value="MYLOC">' in body


def test_path_form_error_shows_stored_fields(demo):
    response = demo.client("centreadmin").post(
        overlay_url(demo),
        {"action": "path", "path": PROMISED, "value": "-1"},
        headers={"Accept-Language": "en"},
    )

    body = response.content.decode()
    assert response.status_code == 400
    assert f'name="{PROMISED}" value="5">' in body
    assert 'aria-invalid="true"' not in body
    assert "Your entries are kept" not in body


def test_matter_name_field_label_in_chinese(demo):
    page = demo.client("centreadmin").get(
        overlay_url(demo), headers={"Accept-Language": "zh-hans"}
    )

    body = page.content.decode()
    assert '<label>名称 <span class="muted">name</span>' in body
    assert "<label>姓名" not in body


def test_editor_rejects_overlong_number(demo):
    response = demo.client("centreadmin").post(
        overlay_url(demo),
        {"action": "path", "path": "visits.count", "value": "9" * 5000},
        headers={"Accept-Language": "en"},
    )

    body = response.content.decode()
    assert response.status_code == 400
    assert 'data-code="overlay.json_invalid"' in body
    assert "a number has more than 4300 digits" in body
    assert MatterOverlay.objects.count() == 0


@pytest.mark.parametrize(
    ("path", "value", "size", "limit"),
    [
        ("name", "食" * 201, 201, 200),
        ("implementation_code", "1" * 81, 81, 80),
        ("conditions", "条" * 350_000, 1_050_002, MAX_FILE_BYTES),
        (
            "materials",
            [{"key": f"m{i}", "name": "材" * 1000} for i in range(400)],
            None,
            MAX_FILE_BYTES,
        ),
    ],
)
def test_oversized_value_is_rejected_naming_size_and_limit(
    demo, path, value, size, limit
):
    matter = food(demo)
    versions = MatterVersion.objects.count()

    with pytest.raises(OverlayValueTooLarge) as raised:
        set_overlay_field(
            actor=demo.user("centreadmin"), matter=matter, path=path, value=value
        )

    message = raised.value.render()
    assert raised.value.code == "overlay.value_too_large"
    assert raised.value.details["path"] == path
    assert raised.value.details["limit"] == limit
    if size is not None:
        assert raised.value.details["size"] == size
    assert raised.value.details["size"] > limit
    assert f"The value for {path} has" in message or f"The text for {path}" in message
    assert f"limit of {limit}" in message
    assert MatterOverlay.objects.count() == 0
    assert MatterVersion.objects.count() == versions


def test_oversized_value_message_reads_in_chinese(demo):
    response = demo.client("centreadmin").post(
        overlay_url(demo),
        {"action": "common", "name": "食" * 201},
        headers={"Accept-Language": "zh-hans"},
    )

    body = response.content.decode()
    assert response.status_code == 400
    assert 'data-code="overlay.value_too_large"' in body
    assert "name 的文字有 201 个字符，超过该字段 200 个字符的上限" in body
    assert MatterOverlay.objects.count() == 0


def test_value_at_text_limit_is_saved(demo):
    matter = set_overlay_field(
        actor=demo.user("centreadmin"), matter=food(demo), path="name", value="食" * 200
    )

    assert effective_definition(matter)["name"] == "食" * 200


def test_local_matter_page_lists_every_problem(demo):
    text = "id: my-matter\nname: 测试事项\ntype: bogus\ndepartment: nope\n"

    response = demo.client("centreadmin").post(
        f"/catalog/{demo.centre.slug}/matters/new/",
        {"definition": text},
        headers={"Accept-Language": "en"},
    )

    body = response.content.decode()
    assert response.status_code == 400
    assert body.count("The local matter was not saved.") == 1
    assert "At type:" in body
    assert "At department:" in body
    assert "basic_code" in body
    assert "handling_type" in body
    assert not Matter.objects.filter(origin="local").exists()


def test_local_matter_error_details_list_each_problem(demo):
    definition = {"id": "my-matter", "name": "测试事项", "type": "bogus"}

    with pytest.raises(OverlayValueInvalid) as raised:
        add_local_matter(
            actor=demo.user("centreadmin"), centre=demo.centre, definition=definition
        )

    errors = raised.value.details["errors"]
    places = {error["where"] for error in errors}
    assert raised.value.details["count"] == len(errors)
    assert "type" in places
    assert len(errors) > 2
    for error in errors:
        assert f"At {error['where']}: " in raised.value.render()


def test_local_matter_help_shows_file_name(demo):
    response = demo.client("centreadmin").get(
        f"/catalog/{demo.centre.slug}/matters/new/",
        headers={"Accept-Language": "en"},
    )

    assert "matters/&lt;id&gt;.yaml" in response.content.decode()


NATURAL_PROMISE = {"amount": 60, "unit": "natural_days", "note": "六十个自然日内办结"}


def test_natural_day_promise_over_working_days_rejected(demo):
    with translation.override("zh-hans"), pytest.raises(OverlayValueInvalid) as raised:
        set_overlay_field(
            actor=demo.user("centreadmin"),
            matter=food(demo),
            path="time_limits.promised",
            value=NATURAL_PROMISE,
        )
    with translation.override("zh-hans"):
        message = raised.value.render()

    assert raised.value.details["rule"] == "time_limits.promised_exceeds_statutory"
    assert "承诺时限 60 个自然日可能长于法定时限 10 个工作日" in message
    assert MatterOverlay.objects.count() == 0


def test_natural_day_promise_within_working_days_saved(demo):
    changed = set_overlay_field(
        actor=demo.user("centreadmin"),
        matter=food(demo),
        path="time_limits.promised",
        value={**NATURAL_PROMISE, "amount": 10},
    )

    assert current_version(changed).guide.time_limit("promised") == (
        10,
        "natural_days",
    )


@pytest.mark.parametrize(
    ("statutory", "promised", "rule", "where"),
    [
        (
            (3, "working_days"),
            (5, "natural_days"),
            "time_limits.promised_exceeds_statutory",
            "time_limits.promised.amount",
        ),
        (
            (30, "natural_days"),
            (5, "working_days"),
            "time_limits.promised_unit_mismatch",
            "time_limits.promised.unit",
        ),
    ],
)
def test_local_matter_promise_across_units_rejected(
    demo, statutory, promised, rule, where
):
    definition = local_definition()
    definition["time_limits"] = {
        "statutory": {"amount": statutory[0], "unit": statutory[1]},
        "promised": {"amount": promised[0], "unit": promised[1]},
    }

    with pytest.raises(OverlayValueInvalid) as raised:
        add_local_matter(
            actor=demo.user("centreadmin"), centre=demo.centre, definition=definition
        )

    assert raised.value.details["rule"] == rule
    assert raised.value.details["where"] == where
    assert not Matter.objects.filter(pack_id="local-night-market-stall").exists()


@pytest.mark.parametrize(
    ("saved", "new"),
    [
        (PROMISED, "time_limits.promised"),
        ("time_limits.promised", PROMISED),
    ],
)
def test_overlapping_path_rejected(demo, saved, new):
    values = {PROMISED: 3, "time_limits.promised": {**NATURAL_PROMISE, "amount": 4}}
    admin = demo.user("centreadmin")
    set_overlay_field(actor=admin, matter=food(demo), path=saved, value=values[saved])
    version = current_version(food(demo)).number

    with translation.override("en"), pytest.raises(OverlayPathOverlaps) as raised:
        set_overlay_field(actor=admin, matter=food(demo), path=new, value=values[new])
    with translation.override("en"):
        message = raised.value.render()

    assert raised.value.code == "overlay.path_overlaps"
    assert raised.value.details == {"path": new, "other": saved}
    assert f"overlaps the field {saved}" in message
    assert f"Remove the field {saved} first" in message
    assert list(MatterOverlay.objects.values_list("path", flat=True)) == [saved]
    assert current_version(food(demo)).number == version


def test_overlapping_paths_in_one_change_rejected(demo):
    with pytest.raises(OverlayPathOverlaps):
        set_overlay_fields(
            actor=demo.user("centreadmin"),
            matter=food(demo),
            changes={PROMISED: 3, "time_limits.promised": NATURAL_PROMISE},
        )

    assert MatterOverlay.objects.count() == 0


def test_editor_overlap_error_in_chinese(demo):
    client = demo.client("centreadmin")
    client.post(overlay_url(demo), {"action": "path", "path": PROMISED, "value": "3"})

    response = client.post(
        overlay_url(demo),
        {
            "action": "path",
            "path": "time_limits.promised",
            "value": json.dumps(NATURAL_PROMISE),
        },
        headers={"Accept-Language": "zh-hans"},
    )

    body = response.content.decode()
    assert response.status_code == 400
    assert 'data-code="overlay.path_overlaps"' in body
    assert f"与已有字段 {PROMISED} 重叠" in body
    assert list(MatterOverlay.objects.values_list("path", flat=True)) == [PROMISED]


@pytest.mark.parametrize(
    ("language", "shown"),
    [
        ("en", "The values for Name (name), Promised limit"),
        ("zh-hans", "名称（name）、承诺时限"),
    ],
)
def test_editor_error_for_several_fields(demo, language, shown):
    response = demo.client("centreadmin").post(
        overlay_url(demo),
        {"action": "common", "name": "", PROMISED: "30"},
        headers={"Accept-Language": language},
    )

    body = response.content.decode()
    assert response.status_code == 400
    assert shown in body
    assert "（name）, " not in body
    assert "<code>overlay.value_invalid</code>" in body
    assert MatterOverlay.objects.count() == 0
