"""The .xlsx 实施清单: export, import, round trip and the row-by-row error report."""

from __future__ import annotations

from io import StringIO
from pathlib import Path
from typing import Any

import openpyxl
import pytest
import yaml
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import translation

from onestop.catalog.packs import STANDARD_PACK_DIR, load_pack
from onestop.catalog.packs.xlsx.errors import XlsxImportFailed, row_ranges
from onestop.catalog.packs.xlsx.exporter import export_xlsx
from onestop.catalog.packs.xlsx.importer import import_xlsx
from onestop.catalog.packs.xlsx.layout import (
    FORM_FIELD_SHEET,
    MATERIAL_SHEET,
    MATTER_SHEET,
)
from onestop.core.tests.test_progress import assert_rises_to_total


def cell_values(path: Path) -> dict[str, list[list[Any]]]:
    workbook = openpyxl.load_workbook(path)
    return {
        sheet.title: [[cell.value for cell in row] for row in sheet.iter_rows()]
        for sheet in workbook
    }


def column_of(sheet: Any, header: str) -> int:
    headers = [cell.value for cell in sheet[1]]
    return headers.index(header) + 1


def row_of(sheet: Any, matter_id: str) -> int:
    for number, row in enumerate(sheet.iter_rows(min_row=2, max_col=1), start=2):
        if row[0].value == matter_id:
            return number
    raise AssertionError(f"no row for {matter_id}")


def import_errors(path: Path, out: Path) -> list[Any]:
    with translation.override("en"), pytest.raises(XlsxImportFailed) as failure:
        import_xlsx(path, out)
    return failure.value.errors


@pytest.fixture
def workbook_path(tmp_path: Path) -> Path:
    path = tmp_path / "实施清单.xlsx"
    export_xlsx(STANDARD_PACK_DIR, path)
    return path


def edit(path: Path, change: Any) -> None:
    workbook = openpyxl.load_workbook(path)
    change(workbook)
    workbook.save(path)


def test_export_writes_one_row_per_matter(workbook_path):
    workbook = openpyxl.load_workbook(workbook_path)
    pack = load_pack(STANDARD_PACK_DIR)

    assert workbook.sheetnames == ["事项", "申请材料", "表单字段", "事项包", "说明"]
    assert workbook[MATTER_SHEET].max_row == len(pack.matters) + 1
    assert workbook[MATERIAL_SHEET].max_row == 1 + sum(
        len(matter["materials"]) for matter in pack.matters
    )


def test_export_uses_chinese_headers_and_labels(workbook_path):
    sheet = openpyxl.load_workbook(workbook_path)[MATTER_SHEET]
    row = row_of(sheet, "birth-registration")

    for header in ["事项名称", "基本编码", "事项类型", "法定办结时限单位", "通办范围"]:
        assert header in [cell.value for cell in sheet[1]]
    assert sheet.cell(row, column_of(sheet, "事项类型")).value == "公共服务"
    assert sheet.cell(row, column_of(sheet, "办件类型")).value == "即办件"
    assert sheet.cell(row, column_of(sheet, "法定办结时限单位")).value == "工作日"
    assert sheet.cell(row, column_of(sheet, "基本编码")).value == "992000500100"


def test_export_marks_applicant_name_field(workbook_path):
    sheet = openpyxl.load_workbook(workbook_path)[FORM_FIELD_SHEET]
    marked = [
        (row[column_of(sheet, "事项编号") - 1], row[column_of(sheet, "字段编号") - 1])
        for row in sheet.iter_rows(min_row=2, values_only=True)
        if row[column_of(sheet, "申请人本人姓名") - 1] == "是"
    ]

    assert ("id-card-renewal", "applicant_name") in marked
    assert len(marked) == 20


def test_export_marks_enterprise_fields(workbook_path):
    sheet = openpyxl.load_workbook(workbook_path)[FORM_FIELD_SHEET]
    rows = list(sheet.iter_rows(min_row=2, values_only=True))

    def marked(header: str) -> set[str]:
        column = column_of(sheet, header) - 1
        return {
            row[column_of(sheet, "字段编号") - 1] for row in rows if row[column] == "是"
        }

    assert marked("申请单位统一社会信用代码") == {"organisation_uscc"}
    assert marked("申请单位名称") == {"organisation_name"}


def test_export_writes_pattern_hints(workbook_path):
    sheet = openpyxl.load_workbook(workbook_path)[FORM_FIELD_SHEET]
    hints = {
        (
            row[column_of(sheet, "事项编号") - 1],
            row[column_of(sheet, "字段编号") - 1],
        ): (row[column_of(sheet, "格式说明") - 1])
        for row in sheet.iter_rows(min_row=2, values_only=True)
        if row[column_of(sheet, "格式") - 1]
    }

    assert hints == {
        ("driving-licence-renewal", "licence_number"): "12 位数字",
        ("provident-fund-rent-withdrawal", "bank_account"): "12 至 30 位数字",
        ("provident-fund-rent-withdrawal", "fund_account"): "数字，至多 30 位",
        ("real-estate-mortgage-registration", "unit_number"): "28 位数字或大写英文字母",
        ("real-estate-transfer-registration", "unit_number"): "28 位数字或大写英文字母",
        ("unemployment-insurance-benefit", "bank_account"): "12 至 30 位数字",
    }


def test_export_writes_space_and_personal_marks(workbook_path):
    sheet = openpyxl.load_workbook(workbook_path)[FORM_FIELD_SHEET]
    marks = {
        (
            row[column_of(sheet, "事项编号") - 1],
            row[column_of(sheet, "字段编号") - 1],
        ): (
            row[column_of(sheet, "去除空格") - 1],
            row[column_of(sheet, "个人信息") - 1],
        )
        for row in sheet.iter_rows(min_row=2, values_only=True)
        if row[column_of(sheet, "去除空格") - 1]
        or row[column_of(sheet, "个人信息") - 1]
    }

    assert marks == {
        ("driving-licence-renewal", "licence_number"): ("是", "是"),
        ("provident-fund-rent-withdrawal", "fund_account"): ("是", "是"),
        ("provident-fund-rent-withdrawal", "bank_account"): ("是", "是"),
        ("real-estate-mortgage-registration", "unit_number"): ("是", None),
        ("real-estate-transfer-registration", "unit_number"): ("是", None),
        ("unemployment-insurance-benefit", "bank_account"): ("是", "是"),
    }


def test_round_trip_keeps_every_cell(workbook_path, tmp_path):
    count = import_xlsx(workbook_path, tmp_path / "pack")
    export_xlsx(tmp_path / "pack", tmp_path / "again.xlsx")

    assert count == len(load_pack(STANDARD_PACK_DIR).matters)
    assert cell_values(tmp_path / "again.xlsx") == cell_values(workbook_path)


def test_round_trip_keeps_loaded_matters(workbook_path, tmp_path):
    import_xlsx(workbook_path, tmp_path / "pack")

    assert load_pack(tmp_path / "pack").matters == load_pack(STANDARD_PACK_DIR).matters


def test_import_base_pack_replaces_pack_sheet(workbook_path, tmp_path):
    edit(workbook_path, lambda workbook: workbook.remove(workbook["事项包"]))

    count = import_xlsx(workbook_path, tmp_path / "pack", base_pack=STANDARD_PACK_DIR)

    assert count == len(load_pack(STANDARD_PACK_DIR).matters)


def test_import_lists_every_bad_row(workbook_path, tmp_path):
    def break_rows(workbook):
        sheet = workbook[MATTER_SHEET]
        sheet.cell(2, column_of(sheet, "事项类型")).value = "行政审批"
        sheet.cell(3, column_of(sheet, "法定办结时限")).value = "二十"
        sheet.cell(4, column_of(sheet, "基本编码")).value = sheet.cell(
            5, column_of(sheet, "基本编码")
        ).value
        sheet.cell(6, 1).value = sheet.cell(7, 1).value
        materials = workbook[MATERIAL_SHEET]
        materials.cell(2, 1).value = "no-such-matter"

    edit(workbook_path, break_rows)
    errors = {
        (error.sheet, error.row, error.column, error.rule)
        for error in import_errors(workbook_path, tmp_path / "out")
    }

    assert (MATTER_SHEET, 2, "事项类型", "xlsx.unknown_value") in errors
    assert (MATTER_SHEET, 3, "法定办结时限", "xlsx.bad_number") in errors
    assert (MATTER_SHEET, 5, "基本编码", "xlsx.duplicate_basic_code") in errors
    assert (MATTER_SHEET, 7, "事项编号", "xlsx.duplicate_id") in errors
    assert (MATERIAL_SHEET, 2, "事项编号", "xlsx.unknown_matter") in errors


def test_import_writes_nothing_on_error(workbook_path, tmp_path):
    def break_type(workbook):
        sheet = workbook[MATTER_SHEET]
        sheet.cell(2, column_of(sheet, "事项类型")).value = "行政审批"

    edit(workbook_path, break_type)
    import_errors(workbook_path, tmp_path / "out")

    assert not (tmp_path / "out").exists()
    assert sorted(path.name for path in tmp_path.iterdir()) == ["实施清单.xlsx"]


def test_import_rejects_missing_required_header(workbook_path, tmp_path):
    def drop_name(workbook):
        sheet = workbook[MATTER_SHEET]
        sheet.delete_cols(column_of(sheet, "事项名称"))

    edit(workbook_path, drop_name)
    errors = import_errors(workbook_path, tmp_path / "out")

    assert [(error.sheet, error.row, error.column, error.rule) for error in errors] == [
        (MATTER_SHEET, 1, "事项名称", "xlsx.missing_header")
    ]


def test_import_rejects_unknown_header(workbook_path, tmp_path):
    def add_column(workbook):
        sheet = workbook[MATTER_SHEET]
        sheet.cell(1, sheet.max_column + 1).value = "备注"

    edit(workbook_path, add_column)
    errors = import_errors(workbook_path, tmp_path / "out")

    assert [(error.row, error.column, error.rule) for error in errors] == [
        (1, "备注", "xlsx.unknown_header")
    ]


def test_import_rejects_missing_sheet(workbook_path, tmp_path):
    edit(workbook_path, lambda workbook: workbook.remove(workbook[MATTER_SHEET]))
    errors = import_errors(workbook_path, tmp_path / "out")

    assert (MATTER_SHEET, "xlsx.missing_sheet") in {
        (error.sheet, error.rule) for error in errors
    }


def test_import_rejects_merged_cells(workbook_path, tmp_path):
    edit(workbook_path, lambda workbook: workbook[MATTER_SHEET].merge_cells("B2:B3"))
    errors = import_errors(workbook_path, tmp_path / "out")

    assert (MATTER_SHEET, 2, "事项名称", "B2:B3", "xlsx.merged_cells") in {
        (error.sheet, error.row, error.column, error.cell, error.rule)
        for error in errors
    }


def test_import_rejects_formulas(workbook_path, tmp_path):
    def add_formula(workbook):
        sheet = workbook[MATTER_SHEET]
        sheet.cell(4, column_of(sheet, "法定办结时限")).value = "=1+1"

    edit(workbook_path, add_formula)
    errors = import_errors(workbook_path, tmp_path / "out")
    column = openpyxl.load_workbook(workbook_path)[MATTER_SHEET]
    coordinate = (
        f"{openpyxl.utils.get_column_letter(column_of(column, '法定办结时限'))}4"
    )

    assert (MATTER_SHEET, 4, "法定办结时限", coordinate, "xlsx.formula") in {
        (error.sheet, error.row, error.column, error.cell, error.rule)
        for error in errors
    }


def test_export_keeps_text_starting_with_equals(tmp_path):
    pack_dir = tmp_path / "pack"
    export_xlsx(STANDARD_PACK_DIR, tmp_path / "a.xlsx")
    import_xlsx(tmp_path / "a.xlsx", pack_dir)
    matter_file = pack_dir / "matters" / "birth-registration.yaml"
    matter = yaml.safe_load(matter_file.read_text(encoding="utf-8"))
    matter["hours"] = "=工作日"
    matter_file.write_text(yaml.safe_dump(matter, allow_unicode=True), "utf-8")

    export_xlsx(pack_dir, tmp_path / "b.xlsx")
    sheet = openpyxl.load_workbook(tmp_path / "b.xlsx")[MATTER_SHEET]
    cell = sheet.cell(row_of(sheet, "birth-registration"), column_of(sheet, "办理时间"))

    assert cell.value == "=工作日"
    assert cell.data_type == "s"


def test_import_reports_schema_error_row(workbook_path, tmp_path):
    def clear_conditions(workbook):
        sheet = workbook[MATTER_SHEET]
        sheet.cell(
            row_of(sheet, "birth-registration"), column_of(sheet, "受理条件")
        ).value = None

    edit(workbook_path, clear_conditions)
    errors = import_errors(workbook_path, tmp_path / "out")
    row = row_of(
        openpyxl.load_workbook(workbook_path)[MATTER_SHEET], "birth-registration"
    )

    assert [(error.sheet, error.row) for error in errors] == [(MATTER_SHEET, row)]
    assert errors[0].column == "受理条件"
    assert errors[0].rule == "xlsx.missing_value"
    letter = matter_column_letter(workbook_path, "受理条件")
    assert str(errors[0]) == (
        f"事项!{letter}{row} [受理条件]: The required cell is empty. Fill it in. "
        "[xlsx.missing_value]"
    )
    assert not (tmp_path / "out").exists()


def test_import_empty_conditions_in_chinese(workbook_path, tmp_path):
    def clear_conditions(workbook):
        sheet = workbook[MATTER_SHEET]
        sheet.cell(
            row_of(sheet, "birth-registration"), column_of(sheet, "受理条件")
        ).value = None

    edit(workbook_path, clear_conditions)
    with translation.override("zh-hans"), pytest.raises(XlsxImportFailed) as failure:
        import_xlsx(workbook_path, tmp_path / "out")

    message = str(failure.value.errors[0])
    assert "[受理条件]" in message
    assert "conditions" not in message
    assert "必填" in message


def applicable_rows(path: Path) -> str:
    """Return the rows of the matters open for application as ranges, such as 2-44."""
    pack = load_pack(STANDARD_PACK_DIR)
    sheet = openpyxl.load_workbook(path)[MATTER_SHEET]
    rows = sorted(
        row_of(sheet, matter["id"])
        for matter in pack.matters
        if not matter.get("guide_only")
    )
    return row_ranges(rows)


def test_import_deleted_column_named(workbook_path, tmp_path):
    def drop_visits(workbook):
        sheet = workbook[MATTER_SHEET]
        sheet.delete_cols(column_of(sheet, "到办事现场次数"))

    edit(workbook_path, drop_visits)
    errors = import_errors(workbook_path, tmp_path / "out")

    assert [(error.sheet, error.row, error.column, error.rule) for error in errors] == [
        (MATTER_SHEET, 1, "到办事现场次数", "xlsx.missing_header")
    ]
    assert str(errors[0]) == (
        "事项!1 [到办事现场次数]: The column 到办事现场次数 is missing, but the "
        f"matters in rows {applicable_rows(workbook_path)} need it. Add the column. "
        "[xlsx.missing_header]"
    )


def test_import_renamed_column_named(workbook_path, tmp_path):
    def rename_visits(workbook):
        sheet = workbook[MATTER_SHEET]
        sheet.cell(1, column_of(sheet, "到办事现场次数")).value = "到现场次数"

    edit(workbook_path, rename_visits)
    with translation.override("zh-hans"), pytest.raises(XlsxImportFailed) as failure:
        import_xlsx(workbook_path, tmp_path / "out")
    errors = failure.value.errors

    assert [(error.row, error.column, error.rule) for error in errors] == [
        (1, "到现场次数", "xlsx.unknown_header"),
        (1, "到办事现场次数", "xlsx.missing_header"),
    ]
    assert "缺少列 到办事现场次数" in str(errors[1])
    assert "visits" not in str(errors[1])
    assert not (tmp_path / "out").exists()


@pytest.mark.parametrize(
    ("rows", "text"),
    [([2], "2"), ([2, 3, 4, 7], "2-4, 7"), ([9, 2, 3], "2-3, 9")],
)
def test_row_ranges(rows, text):
    assert row_ranges(rows) == text


def test_import_rejects_non_empty_out_dir(workbook_path, tmp_path):
    out = tmp_path / "out"
    out.mkdir()
    (out / "keep.txt").write_text("x")

    errors = import_errors(workbook_path, out)

    assert [error.rule for error in errors] == ["xlsx.out_dir_not_empty"]
    assert [path.name for path in out.iterdir()] == ["keep.txt"]


def test_command_exports_and_imports(tmp_path):
    output = StringIO()
    with translation.override("en"):
        call_command(
            "pack_xlsx",
            "export",
            str(STANDARD_PACK_DIR),
            "--out",
            str(tmp_path / "a.xlsx"),
            stdout=output,
        )
        call_command(
            "pack_xlsx",
            "import",
            str(tmp_path / "a.xlsx"),
            "--out",
            str(tmp_path / "p"),
            stdout=output,
        )

    assert "Wrote 43 matters" in output.getvalue()
    assert (tmp_path / "p" / "pack.yaml").is_file()


def test_command_prints_rows_and_fails(workbook_path, tmp_path):
    def break_type(workbook):
        sheet = workbook[MATTER_SHEET]
        sheet.cell(2, column_of(sheet, "事项类型")).value = "行政审批"

    edit(workbook_path, break_type)
    output = StringIO()
    with translation.override("en"), pytest.raises(CommandError) as failure:
        call_command(
            "pack_xlsx",
            "import",
            str(workbook_path),
            "--out",
            str(tmp_path / "p"),
            stdout=output,
        )

    assert failure.value.returncode == 1
    letter = matter_column_letter(workbook_path, "事项类型")
    assert f"事项!{letter}2 [事项类型]: The value 行政审批 is unknown." in (
        output.getvalue()
    )


def test_import_errors_are_chinese_by_default(workbook_path, tmp_path):
    def break_type(workbook):
        sheet = workbook[MATTER_SHEET]
        sheet.cell(2, column_of(sheet, "事项类型")).value = "行政审批"

    edit(workbook_path, break_type)
    with translation.override("zh-hans"), pytest.raises(XlsxImportFailed) as failure:
        import_xlsx(workbook_path, tmp_path / "out")

    assert failure.value.errors[0].message.startswith("值 行政审批 无法识别。")


def test_json_cell_error_in_chinese(workbook_path, tmp_path):
    def break_steps(workbook):
        sheet = workbook[MATTER_SHEET]
        sheet.cell(2, column_of(sheet, "办理环节")).value = '[{"key": }]'

    edit(workbook_path, break_steps)
    with translation.override("zh-hans"), pytest.raises(XlsxImportFailed) as failure:
        import_xlsx(workbook_path, tmp_path / "out")

    [error] = failure.value.errors
    assert "单元格内容不是有效的 JSON（第 1 行第 10 列：此处应有一个值）" in (
        error.message
    )
    assert "Expecting" not in error.message


def test_import_lists_all_error_kinds(workbook_path, tmp_path):
    def break_everything(workbook):
        sheet = workbook[MATTER_SHEET]
        sheet.cell(1, sheet.max_column + 1).value = "备注"
        sheet.cell(2, column_of(sheet, "法定办结时限")).value = "=1+1"
        sheet.cell(3, column_of(sheet, "事项类型")).value = "行政审批"
        sheet.cell(3, column_of(sheet, "承诺办结时限")).value = "五"
        sheet.cell(4, column_of(sheet, "受理条件")).value = None

    edit(workbook_path, break_everything)
    errors = [
        (error.row, error.column, error.rule)
        for error in import_errors(workbook_path, tmp_path / "out")
    ]

    assert (1, "备注", "xlsx.unknown_header") in errors
    assert (2, "法定办结时限", "xlsx.formula") in errors
    assert (3, "事项类型", "xlsx.unknown_value") in errors
    assert (3, "承诺办结时限", "xlsx.bad_number") in errors
    assert (4, "受理条件", "xlsx.missing_value") in errors
    assert len(errors) == 5
    assert not (tmp_path / "out").exists()


def test_import_checks_other_columns_when_one_is_missing(workbook_path, tmp_path):
    def drop_name_and_break_type(workbook):
        sheet = workbook[MATTER_SHEET]
        sheet.cell(2, column_of(sheet, "事项类型")).value = "行政审批"
        sheet.delete_cols(column_of(sheet, "事项名称"))

    edit(workbook_path, drop_name_and_break_type)
    errors = import_errors(workbook_path, tmp_path / "out")

    assert [(error.row, error.column, error.rule) for error in errors] == [
        (1, "事项名称", "xlsx.missing_header"),
        (2, "事项类型", "xlsx.unknown_value"),
    ]
    assert "no row could be checked for it" in errors[0].message


def test_import_rejects_invalid_matter_id(workbook_path, tmp_path):
    def set_id(workbook):
        workbook[MATTER_SHEET].cell(2, 1).value = "../escape"

    edit(workbook_path, set_id)
    errors = import_errors(workbook_path, tmp_path / "out")

    assert (MATTER_SHEET, 2, "事项编号", "xlsx.invalid_id") in {
        (error.sheet, error.row, error.column, error.rule) for error in errors
    }
    assert sorted(path.name for path in tmp_path.iterdir()) == ["实施清单.xlsx"]


def matter_column_letter(path: Path, header: str) -> str:
    sheet = openpyxl.load_workbook(path)[MATTER_SHEET]
    return openpyxl.utils.get_column_letter(column_of(sheet, header))


def form_field_cells(path: Path, header: str) -> dict[tuple[str, str], Any]:
    """Return the cells of one column of 表单字段, by matter id and field key."""
    sheet = openpyxl.load_workbook(path)[FORM_FIELD_SHEET]
    return {
        (
            row[column_of(sheet, "事项编号") - 1],
            row[column_of(sheet, "字段编号") - 1],
        ): row[column_of(sheet, header) - 1]
        for row in sheet.iter_rows(min_row=2, values_only=True)
    }


def test_export_writes_decimal_places(workbook_path):
    places = form_field_cells(workbook_path, "小数位数")

    assert places[("vat-invoice-on-behalf", "amount")] == 2
    assert places[("construction-permit", "contract_price")] == 6
    assert places[("construction-permit", "floor_area")] is None


def test_export_writes_choice_display(workbook_path):
    displays = form_field_cells(workbook_path, "选项显示方式")

    assert displays[("driving-licence-renewal", "delivery")] == "单选按钮"
    assert displays[("driving-licence-renewal", "licence_class")] is None
    assert displays[("driving-licence-renewal", "contact_phone")] is None


def test_import_reads_choice_display(workbook_path, tmp_path):
    sheet = openpyxl.load_workbook(workbook_path)[FORM_FIELD_SHEET]
    row = item_row(sheet, "driving-licence-renewal", "字段编号", "licence_class")
    set_cell(workbook_path, FORM_FIELD_SHEET, row, "选项显示方式", "下拉列表")

    import_xlsx(workbook_path, tmp_path / "out")

    written = tmp_path / "out" / "matters" / "driving-licence-renewal.yaml"
    matter = yaml.safe_load(written.read_text(encoding="utf-8"))
    fields = {field["key"]: field for field in matter["form_fields"]}
    assert fields["licence_class"]["display"] == "list"
    assert fields["delivery"]["display"] == "radio"


def test_import_rejects_unknown_display(workbook_path, tmp_path):
    sheet = openpyxl.load_workbook(workbook_path)[FORM_FIELD_SHEET]
    row = item_row(sheet, "driving-licence-renewal", "字段编号", "delivery")
    set_cell(workbook_path, FORM_FIELD_SHEET, row, "选项显示方式", "按钮")

    errors = import_errors(workbook_path, tmp_path / "out")

    assert (FORM_FIELD_SHEET, row, "选项显示方式", "xlsx.unknown_value") in {
        (error.sheet, error.row, error.column, error.rule) for error in errors
    }


def test_export_creates_missing_folder(tmp_path):
    out = tmp_path / "new" / "folder" / "清单.xlsx"

    call_command("pack_xlsx", "export", str(STANDARD_PACK_DIR), "--out", str(out))

    assert openpyxl.load_workbook(out).sheetnames[0] == "事项"


def test_export_to_unwritable_path_named(tmp_path):
    out = tmp_path / "taken"
    out.mkdir()

    with translation.override("zh-hans"), pytest.raises(CommandError) as raised:
        call_command("pack_xlsx", "export", str(STANDARD_PACK_DIR), "--out", str(out))

    assert f"无法写入 {out}" in str(raised.value)
    assert "--out" in str(raised.value)


def item_row(sheet: Any, matter_id: str, key_header: str, key: str) -> int:
    """Return the row of a material or form field, found by its matter and key."""
    key_column = column_of(sheet, key_header)
    for number, row in enumerate(sheet.iter_rows(min_row=2, values_only=True), start=2):
        if row[0] == matter_id and row[key_column - 1] == key:
            return number
    raise AssertionError(f"no row for {matter_id} {key}")


def first_item(path: Path, sheet_name: str, key_header: str) -> tuple[str, str, int]:
    """Return the matter id, the key and the row of the first item of a child sheet."""
    sheet = openpyxl.load_workbook(path)[sheet_name]
    matter_id = sheet.cell(2, 1).value
    key = sheet.cell(2, column_of(sheet, key_header)).value
    return matter_id, key, item_row(sheet, matter_id, key_header, key)


def set_cell(path: Path, sheet_name: str, row: int, header: str, value: Any) -> None:
    def change(workbook):
        sheet = workbook[sheet_name]
        sheet.cell(row, column_of(sheet, header)).value = value

    edit(path, change)


def test_material_error_names_sheet_row_column(workbook_path, tmp_path):
    _matter_id, _key, row = first_item(workbook_path, MATERIAL_SHEET, "材料编号")
    set_cell(workbook_path, MATERIAL_SHEET, row, "证照类型", "no-such-type")

    errors = import_errors(workbook_path, tmp_path / "out")

    assert len(errors) == 1
    assert errors[0].sheet == MATERIAL_SHEET
    assert errors[0].row == row
    assert errors[0].column == "证照类型"
    assert errors[0].rule == "reference.certificate_type"
    sheet = openpyxl.load_workbook(workbook_path)[MATERIAL_SHEET]
    letter = openpyxl.utils.get_column_letter(column_of(sheet, "证照类型"))
    assert errors[0].cell == f"{letter}{row}"
    assert str(errors[0]).startswith(f"申请材料!{letter}{row} [证照类型]: ")
    assert "materials[" not in str(errors[0])


def test_form_field_error_names_sheet_row_column(workbook_path, tmp_path):
    _matter_id, _key, row = first_item(workbook_path, FORM_FIELD_SHEET, "字段编号")
    set_cell(workbook_path, FORM_FIELD_SHEET, row, "格式", "[a-")

    errors = import_errors(workbook_path, tmp_path / "out")

    assert [(error.sheet, error.row, error.column) for error in errors] == [
        (FORM_FIELD_SHEET, row, "格式")
    ]
    assert errors[0].rule == "form_field.pattern_invalid"
    assert "form_fields[" not in str(errors[0])


def test_form_field_enum_error_names_column(workbook_path, tmp_path):
    _matter_id, _key, row = first_item(workbook_path, FORM_FIELD_SHEET, "字段编号")
    set_cell(workbook_path, FORM_FIELD_SHEET, row, "字段类型", "colour")

    errors = import_errors(workbook_path, tmp_path / "out")

    assert [(error.sheet, error.row, error.column, error.rule) for error in errors] == [
        (FORM_FIELD_SHEET, row, "字段类型", "schema.enum")
    ]


def test_form_field_choice_member_names_column(workbook_path, tmp_path):
    _matter_id, _key, row = first_item(workbook_path, FORM_FIELD_SHEET, "字段编号")
    set_cell(workbook_path, FORM_FIELD_SHEET, row, "字段类型", "select")
    set_cell(workbook_path, FORM_FIELD_SHEET, row, "选项", '[{"value": "a"}]')

    errors = import_errors(workbook_path, tmp_path / "out")

    assert [(error.sheet, error.row, error.column, error.rule) for error in errors] == [
        (FORM_FIELD_SHEET, row, "选项", "schema.required")
    ]
    assert "label" in errors[0].message


def test_item_errors_keep_their_own_rows(workbook_path, tmp_path):
    sheet = openpyxl.load_workbook(workbook_path)[MATERIAL_SHEET]
    rows = [2, sheet.max_row]
    for row in rows:
        set_cell(workbook_path, MATERIAL_SHEET, row, "证照类型", f"no-such-type-{row}")

    errors = import_errors(workbook_path, tmp_path / "out")

    assert [(error.sheet, error.row, error.column) for error in errors] == [
        (MATERIAL_SHEET, row, "证照类型") for row in rows
    ]


def test_import_failure_details_locate_first_error(workbook_path, tmp_path):
    _matter_id, _key, row = first_item(workbook_path, MATERIAL_SHEET, "材料编号")
    set_cell(workbook_path, MATERIAL_SHEET, row, "证照类型", "no-such-type")

    with translation.override("zh-hans"), pytest.raises(XlsxImportFailed) as failure:
        import_xlsx(workbook_path, tmp_path / "out")

    assert failure.value.as_dict()["details"] == {
        "count": 1,
        "first": {
            "sheet": MATERIAL_SHEET,
            "row": row,
            "column": "证照类型",
            "cell": f"L{row}",
            "rule": "reference.certificate_type",
        },
    }
    assert f"申请材料!L{row} [证照类型]" in failure.value.render()


def test_export_reports_progress(tmp_path):
    reports: list[tuple[int, int]] = []

    export_xlsx(
        STANDARD_PACK_DIR,
        tmp_path / "清单.xlsx",
        lambda done, total: reports.append((done, total)),
    )

    files = 3 + len(list((STANDARD_PACK_DIR / "matters").glob("*.yaml")))
    assert reports[-1] == (files, files)
    assert_rises_to_total(reports)


def test_import_reports_progress(workbook_path, tmp_path):
    reports: list[tuple[int, int]] = []

    count = import_xlsx(
        workbook_path,
        tmp_path / "pack",
        progress=lambda done, total: reports.append((done, total)),
    )

    assert reports[-1] == (count + 3, count + 3)
    assert_rises_to_total(reports)
