"""validate_pack reports every broken rule with its file, its path and its rule."""

from __future__ import annotations

import copy
import shutil
import zipfile
from pathlib import Path

import pytest
from django.utils import translation

from onestop.catalog.packs import PackError, validate_pack
from onestop.catalog.packs.documents import parse_document
from onestop.catalog.packs.reader import MAX_FILE_BYTES
from onestop.catalog.packs.schemas import PATTERN_FORMS, SCHEMA_FILES, load_schema

from .conftest import read_yaml, write_yaml

FOOD = "matters/food-business-licence.yaml"
ID_CARD = "matters/id-card-renewal.yaml"


def only_error(errors: list[PackError]) -> PackError:
    assert len(errors) == 1, [str(error) for error in errors]
    return errors[0]


def test_small_pack_is_valid(small_pack):
    assert validate_pack(small_pack) == []


def test_malformed_yaml_gives_line_and_column(small_pack):
    path = small_pack / FOOD
    lines = path.read_text(encoding="utf-8").splitlines()
    lines[2] = "name: [食品经营许可"
    path.write_text("\n".join(lines), encoding="utf-8")

    error = only_error(validate_pack(small_pack))

    assert error.file == FOOD
    assert error.rule == "yaml.syntax"
    assert error.line == 4
    assert error.column is not None


def test_duplicate_yaml_key_is_reported(small_pack):
    path = small_pack / FOOD
    path.write_text(path.read_text("utf-8") + "name: 重复\n", "utf-8")

    error = only_error(validate_pack(small_pack))

    assert error.rule == "yaml.duplicate_key"
    assert error.file == FOOD
    assert "name" in error.message
    assert error.line is not None


def test_duplicate_yaml_key_names_first_line(small_pack):
    path = small_pack / FOOD
    text = path.read_text("utf-8")
    first_line = text.splitlines().index("name: 食品经营许可") + 1
    path.write_text(text + "name: 重复\n", "utf-8")

    with translation.override("en"):
        error = only_error(validate_pack(small_pack))

    assert error.line == len(text.splitlines()) + 1
    assert error.values["first_line"] == first_line
    assert error.message == (
        f"The key name appears twice in one mapping, first at line {first_line}. "
        "Keep one of them."
    )


@pytest.mark.parametrize("content", [b"", b"\n\n", b"# only a comment\n"])
def test_empty_matter_file_is_named(small_pack, content):
    (small_pack / FOOD).write_bytes(content)

    with translation.override("en"):
        error = only_error(validate_pack(small_pack))

    assert error.file == FOOD
    assert error.rule == "file.empty"
    assert error.message.startswith(
        f"The file {FOOD} is empty: it has no YAML value, only blank lines or comments."
    )


def test_utf8_error_gives_line_and_column(small_pack):
    path = small_pack / FOOD
    raw = path.read_bytes()
    lines = raw.split(b"\n")
    lines[2] = "名称".encode() + b"\xff" + lines[2]
    path.write_bytes(b"\n".join(lines))

    with translation.override("en"):
        error = only_error(validate_pack(small_pack))

    offset = len(lines[0]) + len(lines[1]) + 2 + len("名称".encode())
    assert error.rule == "yaml.encoding"
    assert (error.line, error.column) == (3, 3)
    assert error.message == (
        "The file is not valid UTF-8: the byte at line 3, column 3 (byte "
        f"{offset} of the file) is not part of a UTF-8 character. Save the file as "
        "UTF-8."
    )


def test_yaml_alias_is_rejected(small_pack):
    path = small_pack / FOOD
    text = path.read_text("utf-8").replace(
        "name: 食品经营许可\n", "name: &n 食品经营许可\n"
    )
    path.write_text(text + "main_item: *n\n", "utf-8")

    error = only_error(validate_pack(small_pack))

    assert error.rule == "yaml.syntax"
    assert "aliases" in error.message


def test_unknown_key_names_its_path(small_pack, edit_matter):
    edit_matter(
        "food-business-licence", lambda m: m["materials"][1].update(colour="red")
    )

    error = only_error(validate_pack(small_pack))

    assert error.rule == "schema.unknown_key"
    assert error.file == FOOD
    assert error.path == "materials[1].colour"
    assert error.line is not None


def test_wrong_type_names_expected_type(small_pack, edit_matter):
    edit_matter(
        "food-business-licence", lambda m: m["materials"][0].update(copies="two")
    )

    error = only_error(validate_pack(small_pack))

    assert error.rule == "schema.type"
    assert error.path == "materials[0].copies"
    assert "a whole number is expected" in error.message


def test_missing_required_key_is_reported(small_pack, edit_matter):
    edit_matter("id-card-renewal", lambda m: m.pop("materials"))

    error = only_error(validate_pack(small_pack))

    assert error.rule == "schema.required"
    assert error.file == ID_CARD
    assert error.path == ""
    assert "materials" in error.message


def test_material_with_unknown_certificate_type(small_pack, edit_matter):
    unknown = "11100000PACK99999X001"
    edit_matter(
        "food-business-licence",
        lambda m: m["materials"][1].update(certificate_type=unknown),
    )

    error = only_error(validate_pack(small_pack))

    assert error.rule == "reference.certificate_type"
    assert error.file == FOOD
    assert error.path == "materials[1].certificate_type"
    assert unknown in error.message


def test_result_with_unknown_certificate_type(small_pack, edit_matter):
    unknown = "11100000PACK99999X001"
    edit_matter(
        "food-business-licence", lambda m: m["result"].update(certificate_type=unknown)
    )

    error = only_error(validate_pack(small_pack))

    assert error.rule == "reference.certificate_type"
    assert error.path == "result.certificate_type"


def test_government_material_must_name_certificate_type(small_pack, edit_matter):
    edit_matter(
        "food-business-licence", lambda m: m["materials"][1].pop("certificate_type")
    )

    error = only_error(validate_pack(small_pack))

    assert error.rule == "schema.required"
    assert error.path == "materials[1]"
    assert "certificate_type" in error.message


def test_matter_with_unknown_department_role(small_pack, edit_matter):
    edit_matter("food-business-licence", lambda m: m.update(department="food_bureau"))

    error = only_error(validate_pack(small_pack))

    assert error.rule == "reference.department"
    assert error.file == FOOD
    assert error.path == "department"
    assert "food_bureau" in error.message


def test_duplicate_matter_ids_are_reported(small_pack):
    data = read_yaml(small_pack / FOOD)
    write_yaml(small_pack / "matters" / "food-business-licence-copy.yaml", data)

    errors = validate_pack(small_pack)

    rules = sorted(error.rule for error in errors)
    assert "duplicate.matter_id" in rules
    duplicate = next(error for error in errors if error.rule == "duplicate.matter_id")
    assert duplicate.file == "matters/food-business-licence.yaml"
    assert duplicate.path == "id"
    assert "food-business-licence-copy.yaml" in duplicate.message


def test_duplicate_basic_codes_are_reported(small_pack, edit_matter):
    code = read_yaml(small_pack / FOOD)["basic_code"]
    edit_matter("id-card-renewal", lambda m: m.update(basic_code=code))

    error = only_error(validate_pack(small_pack))

    assert error.rule == "duplicate.basic_code"
    assert error.file == ID_CARD
    assert error.path == "basic_code"
    assert FOOD in error.message


def test_form_field_with_unknown_type(small_pack, edit_matter):
    edit_matter(
        "food-business-licence", lambda m: m["form_fields"][3].update(type="colour")
    )

    error = only_error(validate_pack(small_pack))

    assert error.rule == "schema.enum"
    assert error.path == "form_fields[3].type"
    assert "colour" in error.message


def test_form_field_with_invalid_regex(small_pack, edit_matter):
    edit_matter(
        "food-business-licence", lambda m: m["form_fields"][2].update(pattern="[0-9")
    )

    error = only_error(validate_pack(small_pack))

    assert error.rule == "form_field.pattern_invalid"
    assert error.path == "form_fields[2].pattern"
    assert "[0-9" in error.message


def test_pattern_hint_without_pattern(small_pack, edit_matter):
    edit_matter(
        "food-business-licence",
        lambda m: m["form_fields"][2].update(pattern_hint="12 位数字"),
    )

    error = only_error(validate_pack(small_pack))

    assert error.rule == "form_field.pattern_hint_without_pattern"
    assert error.path == "form_fields[2].pattern_hint"


def test_strip_spaces_without_pattern(small_pack, edit_matter):
    edit_matter(
        "food-business-licence",
        lambda m: m["form_fields"][2].update(strip_spaces=True),
    )

    error = only_error(validate_pack(small_pack))

    assert error.rule == "form_field.strip_spaces_without_pattern"
    assert error.path == "form_fields[2].strip_spaces"


def test_strip_spaces_false_without_pattern(small_pack, edit_matter):
    edit_matter(
        "food-business-licence",
        lambda m: m["form_fields"][2].update(strip_spaces=False, personal_data=True),
    )

    assert validate_pack(small_pack) == []


@pytest.mark.parametrize(
    ("hint", "rule"),
    [("", "schema.minLength"), ("位" * 101, "schema.maxLength")],
)
def test_pattern_hint_length(small_pack, edit_matter, hint, rule):
    edit_matter(
        "food-business-licence",
        lambda m: m["form_fields"][2].update(pattern="[0-9]+", pattern_hint=hint),
    )

    error = only_error(validate_pack(small_pack))

    assert error.rule == rule
    assert error.path == "form_fields[2].pattern_hint"


def test_pattern_hint_with_invisible_character(small_pack, edit_matter):
    edit_matter(
        "food-business-licence",
        lambda m: m["form_fields"][2].update(
            pattern="[0-9]+", pattern_hint="12\u200b 位数字"
        ),
    )

    error = only_error(validate_pack(small_pack))

    assert error.path == "form_fields[2].pattern_hint"
    assert "U+200B" in error.message


def test_zip_member_escaping_the_folder_is_rejected(small_pack, tmp_path):
    archive = _zip_folder(small_pack, tmp_path / "pack.zip")
    with zipfile.ZipFile(archive, "a") as bundle:
        bundle.writestr("../outside.yaml", "id: x\n")
        bundle.writestr("/etc/absolute.yaml", "id: x\n")

    errors = validate_pack(archive)

    escapes = [error for error in errors if error.rule == "path.escape"]
    assert [error.file for error in escapes] == [
        "../outside.yaml",
        "/etc/absolute.yaml",
    ]
    assert len(errors) == 2


def test_oversize_zip_member_is_rejected(small_pack, tmp_path):
    archive = _zip_folder(small_pack, tmp_path / "pack.zip")
    with zipfile.ZipFile(archive, "a", compression=zipfile.ZIP_DEFLATED) as bundle:
        bundle.writestr("matters/huge.yaml", "#" * (MAX_FILE_BYTES + 1))

    error = only_error(validate_pack(archive))

    assert error.rule == "file.too_large"
    assert error.file == "matters/huge.yaml"


def test_missing_and_unknown_files_are_reported(small_pack):
    (small_pack / "departments.yaml").unlink()
    (small_pack / "extra.yaml").write_text("a: 1\n", "utf-8")

    errors = validate_pack(small_pack)

    by_rule = {error.rule: error for error in errors}
    assert by_rule["file.missing"].file == "departments.yaml"
    assert by_rule["file.unknown"].file == "extra.yaml"
    assert {error.rule for error in errors} == {
        "file.missing",
        "file.unknown",
        "reference.department",
    }


def test_promised_limit_below_statutory_must_be_marked(small_pack, edit_matter):
    def unmark(matter: dict) -> None:
        matter["local_practice"].remove("time_limits.promised")

    edit_matter("food-business-licence", unmark)

    error = only_error(validate_pack(small_pack))

    assert error.rule == "local_practice.promised_not_marked"
    assert error.path == "time_limits.promised.amount"


def test_promised_limit_above_statutory_is_rejected(small_pack, edit_matter):
    edit_matter(
        "food-business-licence",
        lambda m: m["time_limits"]["promised"].update(amount=30),
    )

    error = only_error(validate_pack(small_pack))

    assert error.rule == "time_limits.promised_exceeds_statutory"


def set_limits(statutory: tuple[int, str], promised: tuple[int, str]):
    def change(matter: dict) -> None:
        limits = matter["time_limits"]
        limits["statutory"].update(amount=statutory[0], unit=statutory[1])
        limits["promised"].update(amount=promised[0], unit=promised[1])

    return change


@pytest.mark.parametrize(
    ("language", "shown"),
    [
        (
            "en",
            "The promised limit 11 natural days may be longer than the statutory "
            "limit 10 working days.",
        ),
        ("zh-hans", "承诺时限 11 个自然日可能长于法定时限 10 个工作日。"),
    ],
)
def test_natural_day_promise_over_working_days(
    small_pack, edit_matter, language, shown
):
    edit_matter(
        "food-business-licence",
        set_limits((10, "working_days"), (11, "natural_days")),
    )

    with translation.override(language):
        error = only_error(validate_pack(small_pack))

    assert error.rule == "time_limits.promised_exceeds_statutory"
    assert error.path == "time_limits.promised.amount"
    assert shown in error.message


def test_natural_day_promise_within_working_days(small_pack, edit_matter):
    edit_matter(
        "food-business-licence",
        set_limits((10, "working_days"), (10, "natural_days")),
    )

    assert validate_pack(small_pack) == []


@pytest.mark.parametrize(
    ("language", "shown"),
    [
        (
            "en",
            "The promised limit 5 working days is in working days, but the statutory "
            "limit 30 natural days is in natural days.",
        ),
        (
            "zh-hans",
            "承诺时限 5 个工作日以工作日计，而法定时限 30 个自然日以自然日计。",
        ),
    ],
)
def test_working_day_promise_needs_natural_days(
    small_pack, edit_matter, language, shown
):
    edit_matter(
        "food-business-licence",
        set_limits((30, "natural_days"), (5, "working_days")),
    )

    with translation.override(language):
        error = only_error(validate_pack(small_pack))

    assert error.rule == "time_limits.promised_unit_mismatch"
    assert error.path == "time_limits.promised.unit"
    assert shown in error.message


def test_exceeding_promise_names_units(small_pack, edit_matter):
    edit_matter(
        "food-business-licence",
        lambda m: m["time_limits"]["promised"].update(amount=30),
    )

    with translation.override("zh-hans"):
        error = only_error(validate_pack(small_pack))

    assert "承诺时限 30 个工作日长于法定时限 10 个工作日" in error.message


def test_local_practice_naming_unknown_field(small_pack, edit_matter):
    edit_matter(
        "food-business-licence", lambda m: m["local_practice"].append("opening")
    )

    error = only_error(validate_pack(small_pack))

    assert error.rule == "reference.field"
    assert error.path.startswith("local_practice[")
    assert "opening" in error.message


def test_matter_id_must_match_file_name(small_pack, edit_matter):
    edit_matter("food-business-licence", lambda m: m.update(id="food-licence"))

    error = only_error(validate_pack(small_pack))

    assert error.rule == "matter.id_file_name"
    assert "matters/food-licence.yaml" in error.message


def test_certificate_type_code_with_bad_check_character(small_pack):
    path = small_pack / "certificate_types.yaml"
    data = read_yaml(path)
    data["certificate_types"].append(
        {**copy.deepcopy(data["certificate_types"][0]), "code": "11100000PACK99999A001"}
    )
    write_yaml(path, data)

    error = only_error(validate_pack(small_pack))

    assert error.rule == "certificate_type.uscc_check_digit"
    assert error.file == "certificate_types.yaml"
    assert error.path == f"certificate_types[{len(data['certificate_types']) - 1}].code"


def _ethnicity_field(entry: dict) -> dict:
    return next(field for field in entry["face_fields"] if field["key"] == "ethnicity")


def test_face_choices_on_text_field_rejected(small_pack):
    path = small_pack / "certificate_types.yaml"
    data = read_yaml(path)
    _ethnicity_field(data["certificate_types"][0])["type"] = "text"
    write_yaml(path, data)

    error = only_error(validate_pack(small_pack))

    assert error.rule == "face_field.choices_unused"
    assert error.file == "certificate_types.yaml"
    assert error.path == "certificate_types[0].face_fields[3].choices"


def test_select_face_field_needs_choices(small_pack):
    path = small_pack / "certificate_types.yaml"
    data = read_yaml(path)
    del _ethnicity_field(data["certificate_types"][0])["choices"]
    write_yaml(path, data)

    error = only_error(validate_pack(small_pack))

    assert error.file == "certificate_types.yaml"
    assert error.path == "certificate_types[0].face_fields[3]"
    assert "choices" in error.message


def _edit_id_card_validity(small_pack, change):
    path = small_pack / "certificate_types.yaml"
    data = read_yaml(path)
    change(data["certificate_types"][0])
    write_yaml(path, data)


def test_validity_terms_out_of_order(small_pack):
    def swap(entry: dict) -> None:
        entry["validity"]["terms"][1]["below_age"] = 12

    _edit_id_card_validity(small_pack, swap)

    error = only_error(validate_pack(small_pack))

    assert error.rule == "certificate_type.validity_terms_order"
    assert error.path == "certificate_types[0].validity.terms[1].below_age"
    assert "ages below 12 follows the term for ages below 16" in error.message


def test_validity_by_age_needs_person_holder(small_pack):
    _edit_id_card_validity(small_pack, lambda entry: entry.update(holder_kind="001"))

    error = only_error(validate_pack(small_pack))

    assert error.path == "certificate_types[0].holder_kind"


def test_validity_by_age_needs_terms(small_pack):
    _edit_id_card_validity(small_pack, lambda entry: entry["validity"].pop("terms"))

    error = only_error(validate_pack(small_pack))

    assert error.rule == "schema.required"
    assert error.path == "certificate_types[0].validity"


def test_pack_with_many_errors_reports_all(small_pack, edit_matter):
    def break_food(matter: dict) -> None:
        matter["department"] = "nobody"
        matter["materials"][0]["colour"] = "red"
        matter["materials"][1]["certificate_type"] = "11100000PACK99999X001"
        matter["form_fields"][0]["type"] = "colour"
        matter["form_fields"][1]["pattern"] = "(unclosed"

    edit_matter("food-business-licence", break_food)
    edit_matter("id-card-renewal", lambda m: m.update(basic_code="12345"))
    (small_pack / "pack.yaml").write_text("id: standard\nversion: [\n", "utf-8")

    errors = validate_pack(small_pack)

    found = {(error.file, error.path, error.rule) for error in errors}
    assert found == {
        ("pack.yaml", "", "yaml.syntax"),
        (FOOD, "department", "reference.department"),
        (FOOD, "materials[0].colour", "schema.unknown_key"),
        (FOOD, "materials[1].certificate_type", "reference.certificate_type"),
        (FOOD, "form_fields[0].type", "schema.enum"),
        # The field marked enterprise_name is no text field any more.
        (FOOD, "form_fields[0].enterprise_name", "form_field.enterprise_name_type"),
        (FOOD, "form_fields[1].pattern", "form_field.pattern_invalid"),
        (ID_CARD, "basic_code", "schema.pattern"),
    }


def test_missing_path_is_reported(tmp_path):
    error = only_error(validate_pack(tmp_path / "nothing-here"))

    assert error.rule == "pack.not_found"


def _zip_folder(folder: Path, archive: Path) -> Path:
    shutil.make_archive(str(archive.with_suffix("")), "zip", folder)
    return archive


def test_reserved_bundles_must_stay_empty(small_pack):
    path = small_pack / "pack.yaml"
    data = read_yaml(path)
    data["bundles"] = [{"id": "newborn"}]
    write_yaml(path, data)

    error = only_error(validate_pack(small_pack))

    assert error.rule == "schema.maxItems"
    assert error.file == "pack.yaml"
    assert error.path == "bundles"


def add_capitalised_department(small_pack: Path) -> None:
    path = small_pack / "departments.yaml"
    data = read_yaml(path)
    data["departments"]["Market-Regulation"] = {
        "name": "市场监管",
        "kind": "vertical_agency",
    }
    write_yaml(path, data)


def test_department_role_key_must_be_snake_case(small_pack):
    add_capitalised_department(small_pack)

    error = only_error(validate_pack(small_pack))

    assert error.rule == "schema.pattern"
    assert error.file == "departments.yaml"
    assert "Market-Regulation" in error.message


def test_symlink_leaving_the_folder_is_rejected(small_pack, tmp_path):
    outside = tmp_path / "outside.yaml"
    outside.write_text("id: outside\n", "utf-8")
    (small_pack / "matters" / "link.yaml").symlink_to(outside)

    error = only_error(validate_pack(small_pack))

    assert error.rule == "path.escape"
    assert error.file == "matters/link.yaml"


def test_symlink_member_of_zip_is_rejected(small_pack, tmp_path):
    archive = _zip_folder(small_pack, tmp_path / "pack.zip")
    link = zipfile.ZipInfo("matters/link.yaml")
    link.external_attr = (0o120777 << 16) | 0x20
    with zipfile.ZipFile(archive, "a") as bundle:
        bundle.writestr(link, "/etc/passwd")

    error = only_error(validate_pack(archive))

    assert error.rule == "zip.symlink"
    assert error.file == "matters/link.yaml"


def test_applicant_name_on_non_text_field(small_pack, edit_matter):
    edit_matter(
        "food-business-licence",
        lambda m: m["form_fields"][1].update(applicant_name=True),
    )

    error = only_error(validate_pack(small_pack))

    assert error.rule == "form_field.applicant_name_type"
    assert error.path == "form_fields[1].applicant_name"
    assert error.message == (
        "The field is marked applicant_name but its type is uscc. Set the type to "
        "text or remove applicant_name."
    )


def test_enterprise_code_mark_on_text_field(small_pack, edit_matter):
    edit_matter(
        "food-business-licence",
        lambda m: m["form_fields"][0].update(enterprise_uscc=True),
    )

    error = only_error(validate_pack(small_pack))

    assert error.rule == "form_field.enterprise_uscc_type"
    assert error.path == "form_fields[0].enterprise_uscc"
    assert error.message == (
        "The field is marked enterprise_uscc but its type is text. Set the type to "
        "uscc or remove enterprise_uscc."
    )


def test_legal_representative_mark_on_address(small_pack, edit_matter):
    edit_matter(
        "food-business-licence",
        lambda m: m["form_fields"][3].update(enterprise_legal_representative=True),
    )

    error = only_error(validate_pack(small_pack))

    assert error.rule == "form_field.enterprise_legal_representative_type"
    assert error.path == "form_fields[3].enterprise_legal_representative"
    assert error.message == (
        "The field is marked enterprise_legal_representative but its type is "
        "address. Set the type to text or remove enterprise_legal_representative."
    )


def test_step_name_with_hidden_character(small_pack, edit_matter):
    def change(matter: dict) -> None:
        matter["steps"][0]["name"] = "受\u200b理"

    edit_matter("food-business-licence", change)

    error = only_error(validate_pack(small_pack))

    assert error.rule == "text.character_invalid"
    assert error.path == "steps[0].name"
    assert "U+200B (ZERO WIDTH SPACE)" in error.message
    assert error.line is not None


def _schema_patterns(value: object) -> list[str]:
    """Return every "pattern" keyword of a JSON Schema, at any depth."""
    if isinstance(value, dict):
        found = [value["pattern"]] if isinstance(value.get("pattern"), str) else []
        return found + [p for item in value.values() for p in _schema_patterns(item)]
    if isinstance(value, list):
        return [p for item in value for p in _schema_patterns(item)]
    return []


def test_every_schema_pattern_is_described():
    patterns = {
        pattern
        for kind in SCHEMA_FILES
        for pattern in _schema_patterns(load_schema(kind))
    }

    assert patterns
    assert patterns <= set(PATTERN_FORMS)


def test_pattern_error_describes_the_form(small_pack):
    add_capitalised_department(small_pack)

    with translation.override("en"):
        english = only_error(validate_pack(small_pack)).message
    with translation.override("zh-hans"):
        chinese = only_error(validate_pack(small_pack)).message

    assert "2 to 63 lower-case letters, digits or underscores" in english
    assert "regular expression" not in english
    assert "^[a-z]" not in english
    assert "2 至 63 个小写字母、数字或下划线" in chinese
    assert "正则表达式" not in chinese


def test_decimal_places_on_text_field(small_pack, edit_matter):
    edit_matter(
        "food-business-licence",
        lambda m: m["form_fields"][2].update(type="text", decimal_places=2),
    )

    error = only_error(validate_pack(small_pack))

    assert error.rule == "form_field.decimal_places_type"
    assert error.path == "form_fields[2].decimal_places"
    assert "text" in error.message


def test_display_on_text_field(small_pack, edit_matter):
    edit_matter(
        "food-business-licence",
        lambda m: m["form_fields"][2].update(type="text", display="radio"),
    )

    error = only_error(validate_pack(small_pack))

    assert error.rule == "form_field.display_type"
    assert error.path == "form_fields[2].display"
    assert "display to radio but its type is text" in error.message


def test_display_on_text_field_in_chinese(small_pack, edit_matter):
    edit_matter(
        "food-business-licence",
        lambda m: m["form_fields"][2].update(type="text", display="list"),
    )

    with translation.override("zh-hans"):
        error = only_error(validate_pack(small_pack))

    assert "将 display 设为 list，但类型为 text" in error.message


def test_display_unknown_value(small_pack, edit_matter):
    def set_display(matter):
        select = next(f for f in matter["form_fields"] if f["type"] == "select")
        select["display"] = "buttons"

    edit_matter("food-business-licence", set_display)

    error = only_error(validate_pack(small_pack))

    assert error.rule == "schema.enum"
    assert error.path.endswith(".display")
    assert "buttons" in error.message


def test_display_radio_on_select_passes(small_pack, edit_matter):
    def set_display(matter):
        for field in matter["form_fields"]:
            if field["type"] == "select":
                field["display"] = "radio"

    edit_matter("food-business-licence", set_display)

    assert validate_pack(small_pack) == []


def test_bound_with_more_places_than_field(small_pack, edit_matter):
    edit_matter(
        "food-business-licence",
        lambda m: m["form_fields"][3].update(
            type="decimal", decimal_places=1, min=0.05, max=100
        ),
    )

    error = only_error(validate_pack(small_pack))

    assert error.rule == "form_field.bound_places"
    assert error.path == "form_fields[3].min"
    assert "0.05" in error.message


def test_decimal_places_over_schema_maximum(small_pack, edit_matter):
    edit_matter(
        "food-business-licence",
        lambda m: m["form_fields"][3].update(type="decimal", decimal_places=11),
    )

    error = only_error(validate_pack(small_pack))

    assert error.rule == "schema.maximum"
    assert error.path == "form_fields[3].decimal_places"


@pytest.mark.parametrize(
    ("text", "english", "chinese"),
    [
        (
            b"departments: [unclosed\n",
            "',' or ']' was expected, but the end of the file was found",
            "此处应为 ','或']'，实际为文件结尾",
        ),
        (
            b"a:\n\tb: 1\n",
            "a tab cannot start a value, so indent with spaces",
            "值不能以制表符开头，请用空格缩进",
        ),
        (
            b"a: b: c\n",
            'a second ": " is not allowed here',
            "此处不能再有“: ”",
        ),
    ],
)
def test_yaml_syntax_problem_translated(text, english, chinese):
    with translation.override("en"):
        _document, error = parse_document("x.yaml", text)
    assert error is not None
    assert english in error.message

    with translation.override("zh-hans"):
        _document, error = parse_document("x.yaml", text)
    assert error is not None
    assert chinese in error.message


def test_oversize_pack_yaml_is_not_missing(tmp_path):
    # A 300 MiB pack.yaml of spaces, which deflate at level 1 stores in 1.3 MiB. The
    # reader rejects it by the size in its header, without inflating it.
    archive = tmp_path / "bomb.zip"
    chunk = b" " * (1024 * 1024)
    with (
        zipfile.ZipFile(
            archive, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=1
        ) as bundle,
        bundle.open("pack.yaml", "w") as member,
    ):
        for _ in range(300):
            member.write(chunk)

    errors = validate_pack(archive)

    by_file = {error.file: error.rule for error in errors}
    assert by_file["pack.yaml"] == "file.too_large"
    assert [error.rule for error in errors if error.file == "pack.yaml"] == [
        "file.too_large"
    ]
    assert by_file["departments.yaml"] == "file.missing"
    assert by_file["certificate_types.yaml"] == "file.missing"
    assert len(errors) == 3


def test_oversize_fixed_file_in_folder_is_not_missing(small_pack):
    departments = small_pack / "departments.yaml"
    departments.write_bytes(departments.read_bytes() + b"#" * MAX_FILE_BYTES)

    errors = validate_pack(small_pack)

    rules = [error.rule for error in errors if error.file == "departments.yaml"]
    assert rules == ["file.too_large"]
