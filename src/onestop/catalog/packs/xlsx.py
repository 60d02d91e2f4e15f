"""Export a pack's matters as an .xlsx 实施清单, and import that layout back into a pack.

The workbook has the sheets 事项 (one row per matter), 申请材料 (one row per material),
表单字段 (one row per form field), 事项包 (pack metadata, departments and certificate
types as JSON) and 说明 (notes for editors). Materials and form fields name their matter
by 事项编号 and keep the order of their rows. Multi-valued cells hold one value a line.
Cells whose content is a list of objects hold JSON.

Import reports every error in one pass: bad headers, sheets and cells, and the pack
validation errors of whatever it could read, leaving out those that repeat a cell error.
It writes the pack folder only when there is no error, by renaming a finished temporary
folder.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import tempfile
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import openpyxl
import yaml
from django.utils.translation import gettext_lazy as _
from openpyxl.worksheet.worksheet import Worksheet

from onestop.core.errors import InvalidInput, OneStopError, list_text
from onestop.core.logging import get_logger
from onestop.identity.codes import parse_uscc

from .documents import PathKey, format_path
from .errors import PackError
from .loader import FORM_FIELD_DEFAULTS, MATERIAL_DEFAULTS, MATTER_DEFAULTS, load_pack
from .validate import validate_pack

logger = get_logger(__name__)

MAX_WORKBOOK_BYTES = 64 * 1024 * 1024
MATTER_SHEET = "事项"
MATERIAL_SHEET = "申请材料"
FORM_FIELD_SHEET = "表单字段"
PACK_SHEET = "事项包"
NOTES_SHEET = "说明"
MATTER_ID_HEADER = "事项编号"
# The pattern of the matter schema's slug.
MATTER_ID = re.compile(r"[a-z0-9][a-z0-9-]{1,80}")

TRUE_FALSE = {True: "是", False: "否"}
MATTER_TYPES = {
    "administrative_licensing": "行政许可",
    "administrative_payment": "行政给付",
    "administrative_confirmation": "行政确认",
    "administrative_award": "行政奖励",
    "administrative_ruling": "行政裁决",
    "other_power": "其他行政权力",
    "public_service": "公共服务",
}
STATUSES = {"active": "在用", "suspended": "暂停", "cancelled": "取消"}
POWER_SOURCES = {
    "statutory": "法定本级行使",
    "delegated": "上级下放",
    "entrusted": "上级委托",
}
EXERCISE_LEVELS = {
    "national": "国家级",
    "province": "省级",
    "city": "市级",
    "county": "县级",
    "township": "乡级",
    "village": "村级",
}
BODY_NATURES = {
    "statutory_body": "法定机关",
    "authorised_organisation": "授权组织",
    "entrusted_organisation": "受委托组织",
}
SERVICE_OBJECTS = {"person": "自然人", "enterprise": "法人"}
HANDLING_TYPES = {"immediate": "即办件", "commitment": "承诺件"}
TIME_UNITS = {"working_days": "工作日", "natural_days": "自然日"}
HANDLING_FORMS = {
    "window": "窗口",
    "online": "网上",
    "express": "快递",
    "kiosk": "自助终端",
}
ONLINE_DEPTHS = {
    "information": "信息发布",
    "pre_review": "在线预审",
    "online_acceptance": "在线受理",
    "full_online": "全程网办",
}
SCOPE_RANGES = {
    "county": "本县",
    "city": "全市",
    "province": "全省",
    "national": "跨省",
}
SCOPE_FORMS = {
    "full_online": "全程网办",
    "proxy_acceptance": "异地代收代办",
    "joint_handling": "多地联办",
}
SPECIAL_PROCEDURES = {
    "hearing": "听证",
    "tender": "招标",
    "auction": "拍卖",
    "inspection": "检验",
    "testing": "检测",
    "quarantine": "检疫",
    "appraisal": "鉴定",
    "expert_review": "专家评审",
}
RESULT_TYPES = {"certificate": "证照", "approval": "批文", "other": "其他"}
MATERIAL_FORMS = {"paper": "纸质", "electronic": "电子"}
MATERIAL_KINDS = {
    "original": "原件",
    "copy": "复印件",
    "original_and_copy": "原件和复印件",
}
NECESSITIES = {"required": "必要", "optional": "非必要", "deferrable": "容缺"}
MATERIAL_SOURCES = {
    "applicant": "申请人自备",
    "government": "政府部门核发",
    "other": "其他",
}


class XlsxImportFailed(InvalidInput):
    code = "catalog_pack.xlsx_import_failed"
    message = _(
        "The workbook could not be imported: %(count)s errors, the first is: "
        "%(first)s. Fix the rows listed and import it again."
    )

    def __init__(self, errors: list[XlsxError]) -> None:
        super().__init__(count=len(errors), first=str(errors[0]))
        self.errors = errors


@dataclass(frozen=True)
class XlsxError:
    """One bad cell, row or sheet: `row` counts from 1 and is None for a whole sheet."""

    sheet: str
    row: int | None
    column: str
    rule: str
    message: str

    def __str__(self) -> str:
        where = self.sheet if self.row is None else f"{self.sheet}!{self.row}"
        if self.column:
            where += f" [{self.column}]"
        return f"{where}: {self.message} [{self.rule}]"


class CellError(Exception):
    """Raised by a cell converter; the reader adds the sheet, row and column."""

    def __init__(self, rule: str, message: str) -> None:
        super().__init__(message)
        self.rule = rule
        self.message = message


# --- cell converters ---------------------------------------------------------------------


@dataclass(frozen=True)
class Kind:
    """The conversion of one column's pack value to a cell value and back."""

    to_cell: Callable[[Any], Any]
    from_cell: Callable[[Any], Any]


def _text_to_cell(value: Any) -> Any:
    return value if value not in (None, "") else None


def _text_from_cell(value: Any) -> Any:
    if isinstance(value, bool) or not isinstance(value, str | int | float):
        raise CellError(
            "xlsx.not_text", str(_("The cell is not text. Enter the value as text."))
        )
    return str(value)


TEXT = Kind(_text_to_cell, _text_from_cell)


def _number_from_cell(value: Any) -> int | float:
    if isinstance(value, bool):
        raise CellError("xlsx.bad_number", _bad_number(value))
    if isinstance(value, int):
        return value
    if isinstance(value, float):
        return int(value) if value.is_integer() else value
    try:
        return int(str(value).strip())
    except ValueError:
        try:
            return float(str(value).strip())
        except ValueError:
            raise CellError("xlsx.bad_number", _bad_number(value)) from None


def _integer_from_cell(value: Any) -> int:
    number = _number_from_cell(value)
    if not isinstance(number, int):
        raise CellError(
            "xlsx.bad_number",
            str(
                _("The value %(value)s is not a whole number. Enter digits only.")
                % {"value": value}
            ),
        )
    return number


def _bad_number(value: Any) -> str:
    return str(
        _("The value %(value)s is not a number. Enter digits only.") % {"value": value}
    )


INTEGER = Kind(lambda value: value, _integer_from_cell)
NUMBER = Kind(lambda value: value, _number_from_cell)


def _enum(labels: dict[Any, str]) -> Kind:
    codes = {label: code for code, label in labels.items()}

    def from_cell(value: Any) -> Any:
        text = str(value).strip()
        if text in codes:
            return codes[text]
        raise CellError(
            "xlsx.unknown_value",
            str(
                _("The value %(value)s is unknown. Use one of %(choices)s.")
                % {"value": text, "choices": list_text(labels.values())}
            ),
        )

    return Kind(lambda value: labels[value] if value is not None else None, from_cell)


def _enum_list(labels: dict[str, str]) -> Kind:
    single = _enum(labels)

    def to_cell(values: list[str]) -> Any:
        return "\n".join(labels[value] for value in values) or None

    def from_cell(value: Any) -> list[str]:
        return [single.from_cell(line) for line in _lines(value)]

    return Kind(to_cell, from_cell)


def _lines(value: Any) -> list[str]:
    return [line.strip() for line in str(value).splitlines() if line.strip()]


TEXT_LIST = Kind(lambda values: "\n".join(values) or None, _lines)
BOOLEAN = _enum(TRUE_FALSE)


def _json_to_cell(value: Any) -> Any:
    if value in (None, [], {}):
        return None
    return json.dumps(_without_nulls(value), ensure_ascii=False)


def _without_nulls(value: Any) -> Any:
    """Drop keys whose value is None: the loader fills them in, the schema rejects them."""
    if isinstance(value, dict):
        return {
            key: _without_nulls(item) for key, item in value.items() if item is not None
        }
    if isinstance(value, list):
        return [_without_nulls(item) for item in value]
    return value


def _json_from_cell(value: Any) -> Any:
    try:
        return json.loads(str(value))
    except json.JSONDecodeError as error:
        raise CellError(
            "xlsx.invalid_json",
            str(
                _("The cell is not valid JSON: %(error)s. Fix the JSON text.")
                % {"error": error}
            ),
        ) from None


JSON = Kind(_json_to_cell, _json_from_cell)


def _titles_to_cell(items: list[dict[str, Any]]) -> Any:
    if all(not item.get("article") and not item.get("excerpt") for item in items):
        return "\n".join(item["title"] for item in items) or None
    return _json_to_cell(items)


def _titles_from_cell(value: Any) -> list[dict[str, Any]]:
    if str(value).lstrip().startswith("["):
        return _json_from_cell(value)
    return [{"title": line} for line in _lines(value)]


# A legal basis of titles only is one title a line, and one with articles is JSON.
LEGAL_BASIS = Kind(_titles_to_cell, _titles_from_cell)


# --- the layout --------------------------------------------------------------------------


@dataclass(frozen=True)
class Column:
    """A column: its header, the key path of its value, how to convert it, if required."""

    header: str
    path: tuple[str, ...]
    kind: Kind
    required: bool = False


MATTER_COLUMNS = [
    Column(MATTER_ID_HEADER, ("id",), TEXT, required=True),
    Column("事项名称", ("name",), TEXT, required=True),
    Column("基本编码", ("basic_code",), TEXT),
    Column("实施编码", ("implementation_code",), TEXT),
    Column("业务办理项编码", ("business_item_code",), TEXT),
    Column("事项类型", ("type",), _enum(MATTER_TYPES), required=True),
    Column("事项版本", ("version",), TEXT),
    Column("事项状态", ("status",), _enum(STATUSES)),
    Column("权力来源", ("power_source",), _enum(POWER_SOURCES)),
    Column("行使层级", ("exercise_levels",), _enum_list(EXERCISE_LEVELS)),
    Column("实施主体", ("department",), TEXT, required=True),
    Column("实施主体性质", ("implementing_body_nature",), _enum(BODY_NATURES)),
    Column("委托部门", ("entrusted_department",), TEXT),
    Column("联办机构", ("joint_bodies",), TEXT_LIST),
    Column("仅提供办事指南", ("guide_only",), BOOLEAN),
    Column("主项名称", ("main_item",), TEXT),
    Column("服务对象", ("service_objects",), _enum_list(SERVICE_OBJECTS)),
    Column("办件类型", ("handling_type",), _enum(HANDLING_TYPES)),
    Column("法定办结时限", ("time_limits", "statutory", "amount"), INTEGER),
    Column("法定办结时限单位", ("time_limits", "statutory", "unit"), _enum(TIME_UNITS)),
    Column("法定办结时限说明", ("time_limits", "statutory", "note"), TEXT),
    Column("法定时限延长", ("time_limits", "statutory", "extension"), JSON),
    Column("承诺办结时限", ("time_limits", "promised", "amount"), INTEGER),
    Column("承诺办结时限单位", ("time_limits", "promised", "unit"), _enum(TIME_UNITS)),
    Column("承诺办结时限说明", ("time_limits", "promised", "note"), TEXT),
    Column("承诺时限延长", ("time_limits", "promised", "extension"), JSON),
    Column("到办事现场次数", ("visits", "count"), INTEGER),
    Column("到现场原因", ("visits", "reason"), TEXT),
    Column("办理形式", ("handling_forms",), _enum_list(HANDLING_FORMS)),
    Column("网上办理深度", ("online_depth",), _enum(ONLINE_DEPTHS)),
    Column("是否支持预约", ("supports", "appointment"), BOOLEAN),
    Column("是否支持物流快递", ("supports", "express_delivery"), BOOLEAN),
    Column("是否支持网上支付", ("supports", "online_payment"), BOOLEAN),
    Column("通办范围", ("scope", "range"), _enum(SCOPE_RANGES)),
    Column("通办形式", ("scope", "form"), _enum(SCOPE_FORMS)),
    Column("受理条件", ("conditions",), TEXT),
    Column("设定依据", ("legal_basis",), LEGAL_BASIS),
    Column("办理地点", ("location",), TEXT),
    Column("办理时间", ("hours",), TEXT),
    Column("咨询方式", ("consultation",), TEXT),
    Column("监督投诉方式", ("complaint",), TEXT),
    Column("特别程序", ("special_procedures",), _enum_list(SPECIAL_PROCEDURES)),
    Column("数量限制", ("quantity_limit",), TEXT),
    Column("是否收费", ("fees", "charged"), BOOLEAN),
    Column("收费项目", ("fees", "items"), JSON),
    Column("是否允许减免", ("fees", "waivable"), BOOLEAN),
    Column("办理环节", ("steps",), JSON),
    Column("审批结果名称", ("result", "name"), TEXT),
    Column("审批结果类型", ("result", "type"), _enum(RESULT_TYPES)),
    Column("结果证照类型", ("result", "certificate_type"), TEXT),
    Column("常见问题", ("faqs",), JSON),
    Column("信息来源", ("sources",), JSON),
    Column("地方做法字段", ("local_practice",), TEXT_LIST),
]
MATERIAL_COLUMNS = [
    Column(MATTER_ID_HEADER, ("matter",), TEXT, required=True),
    Column("基本编码", ("basic_code",), TEXT),
    Column("材料编号", ("key",), TEXT, required=True),
    Column("材料名称", ("name",), TEXT, required=True),
    Column("材料形式", ("form",), _enum_list(MATERIAL_FORMS), required=True),
    Column("材料类型", ("kind",), _enum(MATERIAL_KINDS), required=True),
    Column("份数", ("copies",), INTEGER),
    Column("规格", ("spec",), TEXT),
    Column("必要性", ("necessity",), _enum(NECESSITIES), required=True),
    Column("来源渠道", ("source",), _enum(MATERIAL_SOURCES), required=True),
    Column("来源渠道说明", ("source_detail",), TEXT),
    Column("证照类型", ("certificate_type",), TEXT),
    Column("空白表格", ("blank_form",), TEXT),
    Column("示例样表", ("sample",), TEXT),
    Column("填报须知", ("notes",), TEXT),
    Column("受理标准", ("acceptance_standard",), TEXT),
]
FORM_FIELD_COLUMNS = [
    Column(MATTER_ID_HEADER, ("matter",), TEXT, required=True),
    Column("字段编号", ("key",), TEXT, required=True),
    Column("字段名称", ("label",), TEXT, required=True),
    Column("字段类型", ("type",), TEXT, required=True),
    Column("是否必填", ("required",), BOOLEAN),
    Column("最大长度", ("max_length",), INTEGER),
    Column("最小值", ("min",), NUMBER),
    Column("最大值", ("max",), NUMBER),
    Column("小数位数", ("decimal_places",), INTEGER),
    Column("格式", ("pattern",), TEXT),
    Column("选项", ("choices",), JSON),
    Column("填写说明", ("help",), TEXT),
    Column("申请人本人身份证号", ("applicant_id",), BOOLEAN),
    Column("申请人本人姓名", ("applicant_name",), BOOLEAN),
    Column("申请单位统一社会信用代码", ("enterprise_uscc",), BOOLEAN),
    Column("申请单位名称", ("enterprise_name",), BOOLEAN),
]
# The keys matter.schema.json requires of a matter that is not guide-only.
APPLICATION_KEYS = (
    "basic_code",
    "service_objects",
    "handling_type",
    "time_limits",
    "visits",
    "handling_forms",
    "online_depth",
    "scope",
    "conditions",
    "legal_basis",
    "materials",
    "fees",
    "steps",
    "result",
    "form_fields",
    "sources",
)
PACK_KEYS = ("pack", "departments", "certificate_types")
NOTES = [
    "本工作簿为 OneStop 事项包的实施清单导出，可编辑后用 onestop pack_xlsx import 导入为事项包。",
    "事项：每行一个事项；事项编号是事项在包内的唯一编号（小写字母、数字和连字符）。",
    "实施主体填写事项包中的部门角色编号（见“事项包”表 departments），不是部门名称。",
    "申请材料、表单字段：每行一项，以事项编号对应事项，行的顺序即显示顺序。",
    "多值单元格每行一个值；收费项目、办理环节、常见问题、信息来源等为 JSON。",
    "不要合并单元格，不要使用公式；导入时会逐行报告错误，有错误时不写入任何文件。",
]


# --- export ------------------------------------------------------------------------------


def export_xlsx(pack_path: str | Path, out_path: str | Path) -> int:
    """Write the pack at `pack_path` as an .xlsx 实施清单 to `out_path`.

    Returns the number of matters written. Raises InvalidPack unless the pack is valid.
    """
    pack = load_pack(pack_path)
    workbook = openpyxl.Workbook()
    workbook.remove(workbook.active)

    matter_rows = [_row(MATTER_COLUMNS, matter) for matter in pack.matters]
    _write_sheet(workbook, MATTER_SHEET, MATTER_COLUMNS, matter_rows)

    material_rows = [
        _row(
            MATERIAL_COLUMNS,
            {**material, "matter": matter["id"], "basic_code": matter["basic_code"]},
        )
        for matter in pack.matters
        for material in matter["materials"]
    ]
    _write_sheet(workbook, MATERIAL_SHEET, MATERIAL_COLUMNS, material_rows)

    field_rows = [
        _row(FORM_FIELD_COLUMNS, {**form_field, "matter": matter["id"]})
        for matter in pack.matters
        for form_field in matter["form_fields"]
    ]
    _write_sheet(workbook, FORM_FIELD_SHEET, FORM_FIELD_COLUMNS, field_rows)

    _write_pack_sheet(workbook, pack)
    notes = workbook.create_sheet(NOTES_SHEET)
    for line in NOTES:
        notes.append([line])

    workbook.save(out_path)
    logger.info(
        "catalog_pack.xlsx_exported",
        pack_id=pack.metadata["id"],
        matter_count=len(pack.matters),
    )
    return len(pack.matters)


def _row(columns: list[Column], data: dict[str, Any]) -> list[Any]:
    return [column.kind.to_cell(_get(data, column.path)) for column in columns]


def _get(data: Any, path: tuple[str, ...]) -> Any:
    for key in path:
        if not isinstance(data, dict):
            return None
        data = data.get(key)
    return data


def _write_sheet(
    workbook: openpyxl.Workbook,
    title: str,
    columns: list[Column],
    rows: list[list[Any]],
) -> None:
    sheet = workbook.create_sheet(title)
    sheet.append([column.header for column in columns])
    for values in rows:
        sheet.append(values)
        _keep_text(sheet[sheet.max_row])
    sheet.freeze_panes = "B2"


def _keep_text(cells: Iterable[Any]) -> None:
    """Store text that starts with "=" as text, since openpyxl would make it a formula."""
    for cell in cells:
        if isinstance(cell.value, str) and cell.data_type == "f":
            cell.data_type = "s"


def _fixed_files(pack: Any) -> dict[str, Any]:
    return {
        "pack": {**pack.metadata, "bundles": pack.bundles},
        "departments": pack.departments,
        "certificate_types": pack.certificate_types,
    }


def _write_pack_sheet(workbook: openpyxl.Workbook, pack: Any) -> None:
    values = _fixed_files(pack)
    sheet = workbook.create_sheet(PACK_SHEET)
    sheet.append(["键", "值"])
    for key in PACK_KEYS:
        sheet.append([key, json.dumps(values[key], ensure_ascii=False)])


# --- import ------------------------------------------------------------------------------


def import_xlsx(
    xlsx_path: str | Path, out_dir: str | Path, *, base_pack: str | Path | None = None
) -> int:
    """Read an .xlsx 实施清单 into the new pack folder `out_dir` and return its matter count.

    The pack metadata, departments and certificate types come from the sheet 事项包, or
    from the valid pack `base_pack` when given, and then the workbook needs no 事项包.
    Raises XlsxImportFailed with every error, and then leaves `out_dir` untouched.
    """
    xlsx_path = Path(xlsx_path)
    out_dir = Path(out_dir)
    _check_paths(xlsx_path, out_dir)
    workbook = _open(xlsx_path)

    errors: list[XlsxError] = []
    unread: dict[str, set[PathKey]] = {}
    matters, matter_rows = _read_matters(workbook, errors, unread)
    _attach(
        workbook, MATERIAL_SHEET, MATERIAL_COLUMNS, "materials", matters, errors, unread
    )
    _attach(
        workbook,
        FORM_FIELD_SHEET,
        FORM_FIELD_COLUMNS,
        "form_fields",
        matters,
        errors,
        unread,
    )
    if base_pack is None:
        fixed = _read_pack_sheet(workbook, errors)
    else:
        fixed = _fixed_files(load_pack(base_pack))
    if matters is None or any(key not in fixed for key in PACK_KEYS):
        # The pack cannot be assembled, so it cannot be validated either.
        raise XlsxImportFailed(errors)

    _write_pack_atomically(
        out_dir,
        fixed,
        list(matters.values()),
        _ReadResult(errors, matter_rows, unread),
    )
    logger.info("catalog_pack.xlsx_imported", matter_count=len(matters))
    return len(matters)


@dataclass(frozen=True)
class _ReadResult:
    """The errors and rows of the sheets, passed on to the pack validation report.

    `unread` maps each matter id to the key paths whose cells could not be read. The
    matter has their raw value there, or None, so the pack validation errors at those
    paths repeat a cell error and are left out.
    """

    errors: list[XlsxError]
    matter_rows: dict[str, int]
    unread: dict[str, set[PathKey]]


def _check_paths(xlsx_path: Path, out_dir: Path) -> None:
    if not xlsx_path.is_file():
        _fail_file(xlsx_path, "xlsx.not_found", _("No file was found. Check the path."))
    if xlsx_path.stat().st_size > MAX_WORKBOOK_BYTES:
        _fail_file(
            xlsx_path,
            "file.too_large",
            _("The workbook is larger than %(limit)s bytes. Split it.")
            % {"limit": MAX_WORKBOOK_BYTES},
        )
    if out_dir.exists() and (not out_dir.is_dir() or any(out_dir.iterdir())):
        _fail_file(
            out_dir,
            "xlsx.out_dir_not_empty",
            _("The output folder exists and is not empty. Give a new or empty folder."),
        )


def _fail_file(path: Path, rule: str, message: Any) -> None:
    raise XlsxImportFailed([XlsxError(str(path), None, "", rule, str(message))])


def _open(path: Path) -> openpyxl.Workbook:
    try:
        return openpyxl.load_workbook(path, data_only=False)
    except Exception as error:  # openpyxl raises many kinds for a damaged file.
        raise XlsxImportFailed(
            [
                XlsxError(
                    path.name,
                    None,
                    "",
                    "xlsx.unreadable",
                    str(
                        _(
                            "The file is not a readable .xlsx workbook: %(error)s. "
                            "Save it again as .xlsx."
                        )
                        % {"error": error}
                    ),
                )
            ]
        ) from None


def _read_rows(
    workbook: openpyxl.Workbook,
    title: str,
    columns: list[Column],
    errors: list[XlsxError],
) -> list[_Row] | None:
    """Return every non-empty row of a sheet, or None when the sheet is missing.

    A bad header costs only its own column: the other columns are still read.
    """
    if title not in workbook.sheetnames:
        errors.append(
            XlsxError(
                title,
                None,
                "",
                "xlsx.missing_sheet",
                str(_("The sheet %(sheet)s is missing. Add it.") % {"sheet": title}),
            )
        )
        return None

    sheet = workbook[title]
    _check_sheet_cells(sheet, errors)
    positions = _header_positions(sheet, columns, errors)

    rows = []
    for number, cells in enumerate(sheet.iter_rows(min_row=2), start=2):
        row = _read_row(title, number, cells, columns, positions, errors)
        if row is not None:
            rows.append(row)
    return rows


def _check_sheet_cells(sheet: Worksheet, errors: list[XlsxError]) -> None:
    for merged in sheet.merged_cells.ranges:
        errors.append(
            XlsxError(
                sheet.title,
                merged.min_row,
                str(merged),
                "xlsx.merged_cells",
                str(
                    _("Merged cells are not allowed. Unmerge %(range)s.")
                    % {"range": merged}
                ),
            )
        )
    for row in sheet.iter_rows():
        for cell in row:
            if cell.data_type == "f":
                errors.append(
                    XlsxError(
                        sheet.title,
                        cell.row,
                        cell.coordinate,
                        "xlsx.formula",
                        str(
                            _(
                                "Formulas are not allowed. Replace %(cell)s by its value."
                            )
                            % {"cell": cell.coordinate}
                        ),
                    )
                )


def _header_positions(
    sheet: Worksheet, columns: list[Column], errors: list[XlsxError]
) -> dict[str, int]:
    """Return the index of each known header, recording the bad headers as errors."""
    headers = [cell.value for cell in next(sheet.iter_rows(max_row=1), ())]
    known = {column.header for column in columns}
    positions: dict[str, int] = {}

    for index, header in enumerate(headers):
        if header is None:
            continue
        if header not in known or header in positions:
            rule = (
                "xlsx.unknown_header"
                if header not in known
                else "xlsx.duplicate_header"
            )
            errors.append(
                XlsxError(
                    sheet.title,
                    1,
                    str(header),
                    rule,
                    str(
                        _(
                            "The header %(header)s is unknown or repeated, so the "
                            "cells under it were not read. Remove it."
                        )
                        % {"header": header}
                    ),
                )
            )
            continue
        positions[header] = index

    for column in columns:
        if column.required and column.header not in positions:
            errors.append(
                XlsxError(
                    sheet.title,
                    1,
                    column.header,
                    "xlsx.missing_header",
                    str(
                        _(
                            "The required column %(header)s is missing, so no row "
                            "could be checked for it. Add it."
                        )
                        % {"header": column.header}
                    ),
                )
            )
    return positions


@dataclass(frozen=True)
class _Row:
    """One non-empty row: its number, values by key path, and the paths not read.

    A cell that could not be read keeps its raw value (None if it is empty or has no
    column), so the pack validation finds the key. Its path is in `unread`.
    """

    number: int
    values: dict[tuple[str, ...], Any]
    unread: set[tuple[str, ...]]


def _read_row(
    title: str,
    number: int,
    cells: tuple[Any, ...],
    columns: list[Column],
    positions: dict[str, int],
    errors: list[XlsxError],
) -> _Row | None:
    raw = {
        column.header: _cell_value(cells, positions.get(column.header))
        for column in columns
    }
    if all(value is None for value in raw.values()):
        return None

    row = _Row(number, {}, set())
    for column in columns:
        index = positions.get(column.header)
        value = raw[column.header]
        if index is None or _is_formula(cells, index):
            # A missing required column or a formula is reported once, already.
            if column.required or value is not None:
                row.values[column.path] = _plain(value)
                row.unread.add(column.path)
            continue
        if value is None:
            if column.required:
                errors.append(
                    XlsxError(
                        title,
                        number,
                        column.header,
                        "xlsx.missing_value",
                        str(_("The required cell is empty. Fill it in.")),
                    )
                )
                row.values[column.path] = None
                row.unread.add(column.path)
            continue
        try:
            row.values[column.path] = column.kind.from_cell(value)
        except CellError as error:
            errors.append(
                XlsxError(title, number, column.header, error.rule, error.message)
            )
            row.values[column.path] = _plain(value)
            row.unread.add(column.path)
    return row


def _plain(value: Any) -> Any:
    """Return a raw cell value as a type the YAML writer can represent."""
    if value is None or isinstance(value, (str, int, float, bool)):
        return value
    return str(value)


def _is_formula(cells: tuple[Any, ...], index: int) -> bool:
    return index < len(cells) and cells[index].data_type == "f"


def _cell_value(cells: tuple[Any, ...], index: int | None) -> Any:
    if index is None or index >= len(cells):
        return None
    value = cells[index].value
    if isinstance(value, str) and not value.strip():
        return None
    return value


def _read_matters(
    workbook: openpyxl.Workbook,
    errors: list[XlsxError],
    unread: dict[str, set[PathKey]],
) -> tuple[dict[str, dict[str, Any]] | None, dict[str, int]]:
    """Return the matters by id and the row of each, recording duplicates as errors."""
    matters: dict[str, dict[str, Any]] = {}
    matter_rows: dict[str, int] = {}
    basic_code_rows: dict[str, int] = {}

    rows = _read_rows(workbook, MATTER_SHEET, MATTER_COLUMNS, errors)
    if rows is None:
        return None, matter_rows

    for row in rows:
        number = row.number
        matter = _nest(row.values)
        matter_id = matter.get("id")
        if not isinstance(matter_id, str) or ("id",) in row.unread:
            continue
        if not MATTER_ID.fullmatch(matter_id):
            # The id names the matter's file, so it is checked before anything is written.
            errors.append(_invalid_id(number, matter_id))
            continue
        if matter_id in matters:
            errors.append(_duplicate(MATTER_ID_HEADER, number, matter_rows[matter_id]))
            continue

        basic_code = matter.get("basic_code")
        if basic_code is not None and not matter.get("guide_only"):
            if basic_code in basic_code_rows:
                errors.append(
                    _duplicate("基本编码", number, basic_code_rows[basic_code])
                )
            basic_code_rows.setdefault(basic_code, number)

        if "scope" in matter:
            # The schema allows a null 通办形式, which the loader does not fill in.
            matter["scope"].setdefault("form", None)
        matter.setdefault("materials", [])
        matter.setdefault("form_fields", [])
        matters[matter_id] = matter
        matter_rows[matter_id] = number
        unread[matter_id] = set(row.unread)
    return matters, matter_rows


def _invalid_id(number: int, matter_id: str) -> XlsxError:
    return XlsxError(
        MATTER_SHEET,
        number,
        MATTER_ID_HEADER,
        "xlsx.invalid_id",
        str(
            _(
                "The matter id %(id)s is not valid. Use 2 to 81 lower-case letters, "
                "digits and hyphens, starting with a letter or a digit."
            )
            % {"id": matter_id[:90]}
        ),
    )


def _duplicate(header: str, number: int, first: int) -> XlsxError:
    return XlsxError(
        MATTER_SHEET,
        number,
        header,
        f"xlsx.duplicate_{'id' if header == MATTER_ID_HEADER else 'basic_code'}",
        str(
            _("The value repeats the one in row %(row)s. Give each matter its own.")
            % {"row": first}
        ),
    )


def _attach(
    workbook: openpyxl.Workbook,
    title: str,
    columns: list[Column],
    key: str,
    matters: dict[str, dict[str, Any]] | None,
    errors: list[XlsxError],
    unread: dict[str, set[PathKey]],
) -> None:
    """Append each row of a child sheet to the list `key` of the matter it names."""
    rows = _read_rows(workbook, title, columns, errors) or []
    if matters is None:
        # Without readable matters, every row would be reported as an unknown matter.
        return

    for row in rows:
        number = row.number
        item = _nest(row.values)
        matter_id = item.pop("matter", None)
        item.pop("basic_code", None)
        if not isinstance(matter_id, str) or ("matter",) in row.unread:
            continue
        if matter_id not in matters:
            errors.append(
                XlsxError(
                    title,
                    number,
                    MATTER_ID_HEADER,
                    "xlsx.unknown_matter",
                    str(
                        _(
                            "No matter %(matter)s is in the sheet 事项. Add it or fix "
                            "the id."
                        )
                        % {"matter": matter_id}
                    ),
                )
            )
            continue
        index = len(matters[matter_id][key])
        matters[matter_id][key].append(item)
        unread[matter_id] |= {(key, index, *path) for path in row.unread}


def _nest(values: dict[tuple[str, ...], Any]) -> dict[str, Any]:
    nested: dict[str, Any] = {}
    for path, value in values.items():
        target = nested
        for key in path[:-1]:
            target = target.setdefault(key, {})
        target[path[-1]] = value
    return nested


def _read_pack_sheet(
    workbook: openpyxl.Workbook, errors: list[XlsxError]
) -> dict[str, Any]:
    fixed: dict[str, Any] = {}
    if PACK_SHEET not in workbook.sheetnames:
        errors.append(
            XlsxError(
                PACK_SHEET,
                None,
                "",
                "xlsx.missing_sheet",
                str(
                    _("The sheet %(sheet)s is missing. Add it.") % {"sheet": PACK_SHEET}
                ),
            )
        )
        return fixed

    sheet = workbook[PACK_SHEET]
    _check_sheet_cells(sheet, errors)
    present = set()
    for number, (key, value) in enumerate(
        sheet.iter_rows(min_row=2, max_col=2, values_only=True), start=2
    ):
        if key in PACK_KEYS:
            present.add(key)
            try:
                fixed[key] = _json_from_cell(value)
            except CellError as error:
                errors.append(
                    XlsxError(PACK_SHEET, number, "值", error.rule, error.message)
                )

    for key in PACK_KEYS:
        if key not in present:
            errors.append(
                XlsxError(
                    PACK_SHEET,
                    None,
                    key,
                    "xlsx.missing_value",
                    str(_("The row %(key)s is missing. Add it.") % {"key": key}),
                )
            )
    return fixed


# --- writing the pack --------------------------------------------------------------------


def _write_pack_atomically(
    out_dir: Path,
    fixed: dict[str, Any],
    matters: list[dict[str, Any]],
    read: _ReadResult,
) -> None:
    """Write the pack into a temporary sibling folder, validate it, then rename it.

    Raises XlsxImportFailed with the reading errors and the new validation errors, and
    then removes the temporary folder.
    """
    out_dir.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{out_dir.name}-", dir=out_dir.parent))
    try:
        _write_pack(staging, fixed, matters)
        problems = [
            problem
            for problem in validate_pack(staging)
            if not _repeats_cell_error(problem, read.unread)
        ]
        errors = read.errors + [
            _pack_error_row(problem, read.matter_rows) for problem in problems
        ]
        if errors:
            raise XlsxImportFailed(errors)
        if out_dir.exists():
            out_dir.rmdir()
        os.replace(staging, out_dir)
    finally:
        if staging.exists():
            shutil.rmtree(staging)


def _repeats_cell_error(problem: PackError, unread: dict[str, set[PathKey]]) -> bool:
    """Return whether a validation error is about a cell already reported as unread.

    That is an error at or below the cell's key path, or a missing-key error of the
    object that contains the key.
    """
    if not problem.file.startswith("matters/"):
        return False
    for path in unread.get(Path(problem.file).stem, ()):
        where = format_path(path)
        if problem.path == where or problem.path.startswith((f"{where}.", f"{where}[")):
            return True
        if (
            problem.rule == "schema.required"
            and problem.path == format_path(path[:-1])
            and str(path[-1]) in problem.message
        ):
            return True
    return False


def _pack_error_row(problem: Any, matter_rows: dict[str, int]) -> XlsxError:
    """Point a pack validation error at the row of its matter where there is one."""
    name = Path(problem.file).stem
    if problem.file.startswith("matters/") and name in matter_rows:
        return XlsxError(
            MATTER_SHEET, matter_rows[name], problem.path, problem.rule, problem.message
        )
    return XlsxError(PACK_SHEET, None, problem.file, problem.rule, problem.message)


def _write_pack(
    root: Path, fixed: dict[str, Any], matters: list[dict[str, Any]]
) -> None:
    (root / "matters").mkdir()
    _dump(root / "pack.yaml", fixed["pack"])
    _dump(root / "departments.yaml", {"departments": fixed["departments"]})
    _dump(
        root / "certificate_types.yaml",
        {"certificate_types": fixed["certificate_types"]},
    )
    for matter in matters:
        _dump(root / "matters" / f"{matter['id']}.yaml", _without_defaults(matter))


def _without_defaults(matter: dict[str, Any]) -> dict[str, Any]:
    """Drop values equal to the loader's defaults, so the loader fills them back.

    A matter open for application keeps the keys the matter schema requires of it.
    """
    kept = () if matter.get("guide_only") else APPLICATION_KEYS
    slim = {
        key: value
        for key, value in matter.items()
        if key in kept or key not in MATTER_DEFAULTS or value != MATTER_DEFAULTS[key]
    }
    if "materials" in slim:
        slim["materials"] = [_drop_material(item) for item in slim["materials"]]
    if "form_fields" in slim:
        slim["form_fields"] = [
            _drop(item, FORM_FIELD_DEFAULTS) for item in slim["form_fields"]
        ]
    return slim


def _drop(item: dict[str, Any], defaults: dict[str, Any]) -> dict[str, Any]:
    return {
        key: value
        for key, value in item.items()
        if key not in defaults or value != defaults[key]
    }


def _drop_material(item: dict[str, Any]) -> dict[str, Any]:
    # A material from a government source needs the key certificate_type, even if null.
    slim = _drop(item, MATERIAL_DEFAULTS)
    if item.get("source") == "government":
        slim.setdefault("certificate_type", item.get("certificate_type"))
    return slim


def _dump(path: Path, data: Any) -> None:
    text = yaml.safe_dump(data, allow_unicode=True, sort_keys=False, width=88)
    path.write_text(text, encoding="utf-8")


# --- bindings from a listing -------------------------------------------------------------

PLACEHOLDER_USCC = "待填写统一社会信用代码"
BINDINGS_HEADER = """\
# Bindings of `onestop provision` written from the listing %(listing)s.
# Department names are the listed names. A uscc is copied only where the listing gives
# a valid 18-character USCC for the department. The listing gives other departments a
# 9-character organisation code or an internal id, which is not a USCC, so their uscc
# is the placeholder %(placeholder)s and provisioning rejects the file until a real
# USCC replaces it. Roles with the placeholder:
%(roles)s
"""


def bindings_from_listing(
    listing_path: str | Path, mapping_path: str | Path, out_path: str | Path
) -> dict[str, Any]:
    """Write a bindings YAML for the roles of a listing import and return its data.

    Each role is bound to its listed department name and to the listing's dept_code
    when that is a valid USCC, else to PLACEHOLDER_USCC, named in the file's header.
    """
    listing = json.loads(Path(listing_path).read_text(encoding="utf-8"))
    mapping = yaml.safe_load(Path(mapping_path).read_text(encoding="utf-8"))
    codes: dict[str, set[str]] = {}
    for item in listing["items"]:
        codes.setdefault(item["department"], set()).add(str(item.get("dept_code", "")))

    departments: dict[str, dict[str, str]] = {}
    for listed_name, entry in mapping["departments"].items():
        if listed_name not in codes or entry["role"] in departments:
            continue
        departments[entry["role"]] = {
            "name": listed_name,
            "uscc": _valid_uscc(codes[listed_name]) or PLACEHOLDER_USCC,
        }

    placeholders = sorted(
        role for role, entry in departments.items() if entry["uscc"] == PLACEHOLDER_USCC
    )
    header = BINDINGS_HEADER % {
        "listing": Path(listing_path).name,
        "placeholder": PLACEHOLDER_USCC,
        "roles": "\n".join(f"#   {role}" for role in placeholders) or "#   none",
    }
    data = {"departments": departments}
    body = yaml.safe_dump(data, allow_unicode=True, sort_keys=False, width=88)
    Path(out_path).write_text(header + body, encoding="utf-8")
    return data


def _valid_uscc(candidates: set[str]) -> str | None:
    """Return the one valid USCC among a department's listed codes, if there is one."""
    valid = set()
    for candidate in candidates:
        try:
            valid.add(parse_uscc(candidate).code)
        except OneStopError:
            continue
    return valid.pop() if len(valid) == 1 else None
