"""The .xlsx import's error lines: one per cause, each naming its sheet and cell.

Each test exports a pack of one to three standard matters, breaks the small
workbook with openpyxl and asserts every line that the import reports.
"""

from __future__ import annotations

import shutil
from io import StringIO
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import translation

from onestop.catalog.packs import STANDARD_PACK_DIR
from onestop.catalog.packs.xlsx.errors import XlsxImportFailed
from onestop.catalog.packs.xlsx.exporter import export_xlsx
from onestop.catalog.packs.xlsx.importer import import_xlsx
from onestop.catalog.packs.xlsx.layout import (
    FORM_FIELD_SHEET,
    MATERIAL_SHEET,
    MATTER_SHEET,
)


def small_workbook(tmp_path: Path, matter_ids: list[str], change: Any) -> Path:
    """Export the standard pack with only `matter_ids`, then apply `change` to it."""
    pack_dir = tmp_path / "pack"
    shutil.copytree(STANDARD_PACK_DIR, pack_dir)
    for matter_file in (pack_dir / "matters").iterdir():
        if matter_file.stem not in matter_ids:
            matter_file.unlink()
    path = tmp_path / "small.xlsx"
    export_xlsx(pack_dir, path)

    workbook = openpyxl.load_workbook(path)
    change(workbook)
    workbook.save(path)
    return path


def error_lines(path: Path, language: str = "en") -> list[str]:
    out = path.parent / "out"
    with translation.override(language), pytest.raises(XlsxImportFailed) as failure:
        import_xlsx(path, out)
    assert not out.exists()
    return [str(error) for error in failure.value.errors]


def header_letter(sheet: Any, header: str) -> str:
    headers = [cell.value for cell in sheet[1]]
    return openpyxl.utils.get_column_letter(headers.index(header) + 1)


def renamed_conditions(tmp_path: Path) -> tuple[Path, str]:
    """Return a workbook whose header 受理条件 reads 受理条件X, and that column's letter.

    The matter's 信息来源 and 地方做法字段 name the key conditions, the column 受理条件.
    """
    letters = {}

    def rename(workbook):
        sheet = workbook[MATTER_SHEET]
        letters["conditions"] = header_letter(sheet, "受理条件")
        sheet[f"{letters['conditions']}1"] = "受理条件X"

    path = small_workbook(tmp_path, ["household-registration-transfer"], rename)
    return path, letters["conditions"]


def test_renamed_header_folds_references(tmp_path):
    path, column = renamed_conditions(tmp_path)

    assert error_lines(path) == [
        f"事项!{column}1 [受理条件X]: The header 受理条件X is unknown, so column "
        f"{column} was not read. If it is the column 受理条件, rename it to 受理条件. "
        "[xlsx.unknown_header]",
        "事项!1 [受理条件]: The column 受理条件 is missing, but the matter in row 2 "
        "needs it. Add the column. [xlsx.missing_header]",
    ]


def test_renamed_header_lines_in_chinese(tmp_path):
    path, column = renamed_conditions(tmp_path)

    assert error_lines(path, "zh-hans") == [
        f"事项!{column}1 [受理条件X]: 表头 受理条件X 无法识别，因此未读取第 {column} 列。"
        "如果它是 受理条件 列，请将表头改为 受理条件。 [xlsx.unknown_header]",
        "事项!1 [受理条件]: 缺少列 受理条件，但第 2 行的事项需要它。请添加该列。 "
        "[xlsx.missing_header]",
    ]


def test_missing_sheet_folds_item_references(tmp_path):
    def refer_to_material_and_drop_sheet(workbook):
        sheet = workbook[MATTER_SHEET]
        cell = sheet[f"{header_letter(sheet, '地方做法字段')}2"]
        cell.value = f"{cell.value or ''}\nmaterials[0].copies"
        workbook.remove(workbook[MATERIAL_SHEET])

    path = small_workbook(
        tmp_path, ["legal-aid-application"], refer_to_material_and_drop_sheet
    )

    assert error_lines(path) == [
        "申请材料: The sheet 申请材料 is missing, but the matter in row 2 of the sheet "
        "事项 refers to its rows. Add the sheet. [xlsx.missing_sheet]"
    ]


def test_rows_of_rejected_matter_fold(tmp_path):
    # construction-permit is row 2 of 事项, with 6 materials and 8 form fields.
    def break_ids(workbook):
        workbook[MATTER_SHEET]["A2"] = "Construction_Permit"
        workbook[MATERIAL_SHEET]["A8"] = "no-such-matter"
        workbook[MATERIAL_SHEET]["A9"] = "no-such-matter"

    path = small_workbook(
        tmp_path, ["construction-permit", "driving-licence-renewal"], break_ids
    )

    assert error_lines(path) == [
        "事项!A2 [事项编号]: The matter id Construction_Permit is not valid. Use 2 to "
        "81 lower-case letters, digits and hyphens, starting with a letter or a "
        "digit. [xlsx.invalid_id]",
        "申请材料!A2 [事项编号]: These rows belong to the matter in row 2 of the sheet "
        "事项, which was not read because of the error reported for its 事项编号, so "
        "the 6 rows 2-7 were not read either. Fix that 事项编号 and name it in these "
        "rows. [xlsx.rejected_matter]",
        "申请材料!A8 [事项编号]: No matter no-such-matter is in the sheet 事项, so the "
        "2 rows 8-9 that name it were not read. Add the matter or fix the 事项编号 in "
        "these rows. [xlsx.unknown_matter]",
        "表单字段!A2 [事项编号]: These rows belong to the matter in row 2 of the sheet "
        "事项, which was not read because of the error reported for its 事项编号, so "
        "the 8 rows 2-9 were not read either. Fix that 事项编号 and name it in these "
        "rows. [xlsx.rejected_matter]",
    ]


def test_unknown_matter_reported_once(tmp_path):
    def rename_in_materials(workbook):
        workbook[MATERIAL_SHEET]["A2"] = "birth-registrations"

    path = small_workbook(tmp_path, ["birth-registration"], rename_in_materials)

    assert error_lines(path) == [
        "申请材料!A2 [事项编号]: No matter birth-registrations is in the sheet 事项, so "
        "the row 2 that names it was not read. Add the matter or fix the 事项编号. "
        "[xlsx.unknown_matter]"
    ]


def test_merged_cells_reported_once(tmp_path):
    def merge_names(workbook):
        sheet = workbook[MATTER_SHEET]
        sheet["B3"] = None
        sheet.merge_cells("B2:B3")

    path = small_workbook(
        tmp_path, ["birth-registration", "divorce-registration"], merge_names
    )

    assert error_lines(path) == [
        "事项!B2:B3 [事项名称]: The cells B2:B3 are merged, so none of them was read. "
        "Unmerge them and fill in each cell. [xlsx.merged_cells]"
    ]


def test_formula_names_cell_and_header(tmp_path):
    def add_formula(workbook):
        workbook[MATTER_SHEET]["B2"] = '=A2&"x"'

    path = small_workbook(tmp_path, ["birth-registration"], add_formula)

    assert error_lines(path) == [
        "事项!B2 [事项名称]: Formulas are not allowed. Replace B2 by its value. "
        "[xlsx.formula]"
    ]


def test_repeated_header_names_column(tmp_path):
    letters = {}

    def repeat_name(workbook):
        sheet = workbook[MATTER_SHEET]
        letters["extra"] = openpyxl.utils.get_column_letter(sheet.max_column + 1)
        sheet[f"{letters['extra']}1"] = "事项名称"

    path = small_workbook(tmp_path, ["birth-registration"], repeat_name)
    column = letters["extra"]

    assert error_lines(path) == [
        f"事项!{column}1 [事项名称]: The header 事项名称 repeats the one in B1, so "
        f"column {column} was not read. Remove column {column} or rename its header. "
        "[xlsx.duplicate_header]"
    ]


def test_cell_errors_name_cell(tmp_path):
    letters = {}

    def break_cells(workbook):
        sheet = workbook[MATTER_SHEET]
        letters["type"] = header_letter(sheet, "事项类型")
        sheet[f"{letters['type']}2"] = "行政审批"
        fields = workbook[FORM_FIELD_SHEET]
        letters["length"] = header_letter(fields, "最大长度")
        fields[f"{letters['length']}2"] = "abc"

    path = small_workbook(tmp_path, ["birth-registration"], break_cells)

    assert error_lines(path) == [
        f"事项!{letters['type']}2 [事项类型]: The value 行政审批 is unknown. Use one "
        "of 行政许可, 行政给付, 行政确认, 行政奖励, 行政裁决, 其他行政权力, 公共服务. "
        "[xlsx.unknown_value]",
        f"表单字段!{letters['length']}2 [最大长度]: The value abc is not a number. "
        "Enter digits only. [xlsx.bad_number]",
    ]


def test_out_file_named_as_file(tmp_path):
    path = small_workbook(tmp_path, ["birth-registration"], lambda workbook: None)
    scan = tmp_path / "scan.pdf"
    scan.write_bytes(b"%PDF-1.7")
    output = StringIO()

    with translation.override("en"), pytest.raises(CommandError) as failure:
        call_command(
            "pack_xlsx", "import", str(path), "--out", str(scan), stdout=output
        )

    assert output.getvalue().splitlines() == [
        f"{scan}: The output path is a file, not a folder. Give a new or empty "
        "folder. [xlsx.out_not_folder]"
    ]
    assert str(failure.value) == f"{path} has 1 error."
    assert scan.read_bytes() == b"%PDF-1.7"


def test_reference_in_list_cell_names_header(tmp_path):
    letters = {}

    def refer_to_no_key(workbook):
        sheet = workbook[MATTER_SHEET]
        letters["practice"] = header_letter(sheet, "地方做法字段")
        cell = sheet[f"{letters['practice']}2"]
        cell.value = f"{cell.value or ''}\nno_such_key"

    path = small_workbook(tmp_path, ["birth-registration"], refer_to_no_key)
    assert error_lines(path) == [
        f"事项!{letters['practice']}2 [地方做法字段]: The field no_such_key does not "
        "exist in this matter. Name a key of the matter, such as "
        "time_limits.promised or materials[0].copies. [reference.field]"
    ]
