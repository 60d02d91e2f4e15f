"""Export a pack's matters as an .xlsx 实施清单."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import openpyxl

from onestop.core.logging import get_logger
from onestop.core.progress import ProgressCallback
from onestop.core.spreadsheets import append_row

from ..loader import load_pack
from .layout import (
    FORM_FIELD_COLUMNS,
    FORM_FIELD_SHEET,
    MATERIAL_COLUMNS,
    MATERIAL_SHEET,
    MATTER_COLUMNS,
    MATTER_SHEET,
    NOTES,
    NOTES_SHEET,
    PACK_KEYS,
    PACK_SHEET,
    Column,
    fixed_files,
)

logger = get_logger(__name__)


def export_xlsx(
    pack_path: str | Path,
    out_path: str | Path,
    progress: ProgressCallback | None = None,
) -> int:
    """Write the pack at `pack_path` as an .xlsx 实施清单 to `out_path`.

    Missing folders of `out_path` are created. Returns the number of matters written.
    Raises InvalidPack unless the pack is valid, and OSError when the file cannot be
    written. `progress` is called with the count of pack files read and their count.
    """
    pack = load_pack(pack_path, progress)
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
        append_row(notes, [line])

    Path(out_path).parent.mkdir(parents=True, exist_ok=True)
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
    append_row(sheet, [column.header for column in columns])
    for values in rows:
        append_row(sheet, values)
    sheet.freeze_panes = "B2"


def _write_pack_sheet(workbook: openpyxl.Workbook, pack: Any) -> None:
    values = fixed_files(pack)
    sheet = workbook.create_sheet(PACK_SHEET)
    append_row(sheet, ["键", "值"])
    for key in PACK_KEYS:
        append_row(sheet, [key, json.dumps(values[key], ensure_ascii=False)])
