"""Write an imported pack into a temporary folder, validate it, and rename it."""

from __future__ import annotations

import os
import re
import shutil
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from django.utils.translation import ngettext

from onestop.core.progress import ProgressCallback

from ..documents import PathKey, format_path
from ..errors import PackError
from ..loader import FORM_FIELD_DEFAULTS, MATERIAL_DEFAULTS, MATTER_DEFAULTS
from ..validate import validate_pack
from .errors import XlsxError, XlsxImportFailed, empty_cell, row_ranges
from .layout import (
    FORM_FIELD_COLUMNS,
    FORM_FIELD_SHEET,
    MATERIAL_COLUMNS,
    MATERIAL_SHEET,
    MATTER_COLUMNS,
    MATTER_SHEET,
    PACK_SHEET,
    Column,
)

# The child sheets: the list key of a matter -> its sheet and columns.
ITEM_SHEETS = {
    "materials": (MATERIAL_SHEET, MATERIAL_COLUMNS),
    "form_fields": (FORM_FIELD_SHEET, FORM_FIELD_COLUMNS),
}
# A validation error's path inside a material or form field, such as
# materials[2].certificate_type: the list key, the index and the rest.
ITEM_PATH = re.compile(r"(materials|form_fields)\[(\d+)\](?:\.(.*))?")

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


@dataclass(frozen=True)
class ReadResult:
    """The errors and rows of the sheets, passed on to the pack validation report.

    `unread` maps each matter id to the key paths whose cells could not be read. The
    matter has their raw value there, or None, so the pack validation errors at those
    paths repeat a cell error and are left out. `absent_headers` are the headers of
    the sheet 事项 that row 1 lacks. `item_rows` maps (matter id, "materials" or
    "form_fields", index) to the item's row on the sheet 申请材料 or 表单字段.
    """

    errors: list[XlsxError]
    matter_rows: dict[str, int]
    unread: dict[str, set[PathKey]]
    letters: dict[str, dict[str, str]] = field(default_factory=dict)
    item_rows: dict[tuple[str, str, int], int] = field(default_factory=dict)


def write_pack_atomically(
    out_dir: Path,
    fixed: dict[str, Any],
    matters: list[dict[str, Any]],
    read: ReadResult,
    progress: ProgressCallback | None = None,
) -> None:
    """Write the pack into a temporary sibling folder, validate it, then rename it.

    `progress` is called with the count of files validated and the file count.

    Raises XlsxImportFailed with the reading errors and the new validation errors, and
    then removes the temporary folder.
    """
    out_dir.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{out_dir.name}-", dir=out_dir.parent))
    try:
        _write_pack(staging, fixed, matters)
        problems = [
            problem
            for problem in validate_pack(staging, progress)
            if not _repeats_cell_error(problem, read.unread)
        ]
        errors = _report(problems, read)
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


def _report(problems: list[PackError], read: ReadResult) -> list[XlsxError]:
    """Return the reading errors and the validation errors by sheet, cell and header.

    A validation error caused by a column or sheet that the workbook lacks is folded
    into one error for that column or sheet, which names the rows of the matters it
    affects, rather than one error per matter.
    """
    errors: list[XlsxError] = []
    folded: dict[tuple[str, str], list[int]] = {}
    for problem in problems:
        row = read.matter_rows.get(Path(problem.file).stem)
        absent = _absent_cause(problem, read) if row is not None else None
        if row is not None and absent is not None:
            folded.setdefault(absent, []).append(row)
            continue
        item_error = _item_error(problem, read)
        if item_error is not None:
            errors.append(item_error)
            continue
        column = _matter_column(problem) if row is not None else None
        if row is None or column is None:
            errors.append(_pack_error_row(problem, row))
            continue
        letter = read.letters[MATTER_SHEET].get(column.header, "")
        cell = f"{letter}{row}"
        if problem.rule == "schema.required":
            errors.append(empty_cell(MATTER_SHEET, row, column.header, cell))
        else:
            errors.append(
                XlsxError(
                    MATTER_SHEET,
                    row,
                    column.header,
                    problem.rule,
                    problem.message,
                    cell,
                )
            )
    return _fold_absent(read.errors, folded) + errors


def _absent_cause(problem: PackError, read: ReadResult) -> tuple[str, str] | None:
    """Return the sheet and header of the absent column that caused a matter's error.

    The header is empty when the whole sheet is absent. An error caused by a column
    is one at a key under it, such as a missing required key, or a reference to a key
    under it, such as a 信息来源 entry's field. Return None for other errors.
    """
    if problem.rule == "reference.field":
        return _absent_column(str(problem.values.get("field", "")), read.letters)
    column = _matter_column(problem)
    if column is not None and column.header not in read.letters[MATTER_SHEET]:
        return MATTER_SHEET, column.header
    return None


def _absent_column(
    field_path: str, letters: dict[str, dict[str, str]]
) -> tuple[str, str] | None:
    """Return the sheet and header of the absent column of a matter key path.

    A key of a material or a form field counts only when its whole sheet is absent.
    """
    found = ITEM_PATH.match(field_path)
    if found is not None:
        sheet = ITEM_SHEETS[found.group(1)][0]
        return (sheet, "") if sheet not in letters else None
    key = field_path.split("[")[0]
    column = _column_at(MATTER_COLUMNS, tuple(key.split(".")) if key else ())
    if column is None or column.header in letters[MATTER_SHEET]:
        return None
    return MATTER_SHEET, column.header


def _fold_absent(
    errors: list[XlsxError], folded: dict[tuple[str, str], list[int]]
) -> list[XlsxError]:
    """Name the matter rows that an absent column or sheet affects in its error.

    A sheet's `xlsx.missing_sheet` error is rewritten with those rows. A column gets
    one `xlsx.missing_header` error, unless its required column error is already in
    `errors`, because that one states that no row could be checked for it.
    """
    reported = {
        (error.sheet, error.column)
        for error in errors
        if error.rule == "xlsx.missing_header"
    }
    result = []
    for error in errors:
        rows = folded.get((error.sheet, ""))
        if error.rule == "xlsx.missing_sheet" and rows:
            error = _missing_sheet(error.sheet, rows)
        result.append(error)
    for (sheet, header), rows in folded.items():
        if header and (sheet, header) not in reported:
            result.append(_missing_header(sheet, header, rows))
    return result


def _matter_column(problem: PackError) -> Column | None:
    """Return the column of the sheet 事项 whose cell a matter's validation error is about.

    A missing object is the first column under it in the layout, such as
    到办事现场次数 (`visits.count`) for `visits`. An error inside a list or an object
    held in one cell, such as `sources[1].field`, is about that cell, 信息来源.
    """
    if not problem.file.startswith("matters/"):
        return None
    base = problem.path.split("[")[0]
    path = tuple(base.split(".")) if base else ()
    if problem.rule == "schema.required" and "[" not in problem.path:
        path = (*path, str(problem.values.get("key")))
    return _column_at(MATTER_COLUMNS, path)


def _column_at(columns: list[Column], path: tuple[str, ...]) -> Column | None:
    """Return the first column at, under or above a key path, or None for no path."""
    if not path:
        return None
    for column in columns:
        size = min(len(path), len(column.path))
        if column.path[:size] == path[:size]:
            return column
    return None


def _item_error(problem: PackError, read: ReadResult) -> XlsxError | None:
    """Point a validation error inside a material or a form field at its cell.

    That is the item's row on the sheet 申请材料 or 表单字段, and the header of the
    column whose key path starts the error's path within the item. An error about the
    whole item, or about a key that no column has, names the item's row and the path.
    Return None for an error that is not inside an item.
    """
    found = ITEM_PATH.fullmatch(problem.path)
    if not problem.file.startswith("matters/") or found is None:
        return None
    key, index, rest = found.group(1), int(found.group(2)), found.group(3) or ""
    row = read.item_rows.get((Path(problem.file).stem, key, index))
    if row is None:
        return None
    sheet, columns = ITEM_SHEETS[key]
    # Each column of a child sheet is one key of the item, so the key that starts the
    # path is enough: certificate_type of certificate_type, choices of choices[0].label.
    if rest:
        item_key = re.split(r"[.\[]", rest)[0]
    elif problem.rule == "schema.required":
        item_key = str(problem.values.get("key"))
    else:
        item_key = ""
    column = next((column for column in columns if column.path == (item_key,)), None)
    if column is None:
        return XlsxError(sheet, row, rest, problem.rule, problem.message)
    cell = f"{read.letters[sheet].get(column.header, '')}{row}"
    if problem.rule == "schema.required" and not rest:
        return empty_cell(sheet, row, column.header, cell)
    return XlsxError(sheet, row, column.header, problem.rule, problem.message, cell)


def _missing_sheet(sheet: str, rows: list[int]) -> XlsxError:
    rows = sorted(set(rows))
    message = ngettext(
        "The sheet %(sheet)s is missing, but the matter in row %(rows)s of the sheet "
        "事项 refers to its rows. Add the sheet.",
        "The sheet %(sheet)s is missing, but the matters in rows %(rows)s of the "
        "sheet 事项 refer to its rows. Add the sheet.",
        len(rows),
    ) % {"sheet": sheet, "rows": row_ranges(rows)}
    return XlsxError(sheet, None, "", "xlsx.missing_sheet", message)


def _missing_header(sheet: str, header: str, rows: list[int]) -> XlsxError:
    rows = sorted(set(rows))
    message = ngettext(
        "The column %(header)s is missing, but the matter in row %(rows)s needs it. "
        "Add the column.",
        "The column %(header)s is missing, but the matters in rows %(rows)s need it. "
        "Add the column.",
        len(rows),
    ) % {"header": header, "rows": row_ranges(rows)}
    return XlsxError(sheet, 1, header, "xlsx.missing_header", message)


def _pack_error_row(problem: PackError, row: int | None) -> XlsxError:
    """Point a pack validation error at the row of its matter where there is one."""
    if problem.file.startswith("matters/") and row is not None:
        return XlsxError(MATTER_SHEET, row, problem.path, problem.rule, problem.message)
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
