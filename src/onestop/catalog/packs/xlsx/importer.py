"""Import an .xlsx 实施清单 into a new pack folder, reporting every error in one pass."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import openpyxl
from django.utils.translation import gettext_lazy as _

from onestop.core.logging import get_logger
from onestop.core.progress import ProgressCallback

from ..documents import PathKey
from ..loader import load_pack
from .errors import XlsxError, XlsxImportFailed
from .layout import (
    FORM_FIELD_COLUMNS,
    FORM_FIELD_SHEET,
    MATERIAL_COLUMNS,
    MATERIAL_SHEET,
    MATTER_SHEET,
    PACK_KEYS,
    fixed_files,
)
from .pack_writer import ReadResult, write_pack_atomically
from .rows import header_letters
from .sheets import attach_rows, read_matters, read_pack_sheet

logger = get_logger(__name__)

MAX_WORKBOOK_BYTES = 64 * 1024 * 1024


def import_xlsx(
    xlsx_path: str | Path,
    out_dir: str | Path,
    *,
    base_pack: str | Path | None = None,
    progress: ProgressCallback | None = None,
) -> int:
    """Read an .xlsx 实施清单 into the new pack folder `out_dir` and return its matter count.

    The pack metadata, departments and certificate types come from the sheet 事项包, or
    from the valid pack `base_pack` when given, and then the workbook needs no 事项包.
    Raises XlsxImportFailed with every error, and then leaves `out_dir` untouched.
    `progress` is called with the count of written pack files validated and their count.
    """
    xlsx_path = Path(xlsx_path)
    out_dir = Path(out_dir)
    _check_paths(xlsx_path, out_dir)
    workbook = _open(xlsx_path)

    errors: list[XlsxError] = []
    unread: dict[str, set[PathKey]] = {}
    item_rows: dict[tuple[str, str, int], int] = {}
    matter_sheet = read_matters(workbook, errors, unread)
    attach_rows(
        workbook,
        MATERIAL_SHEET,
        MATERIAL_COLUMNS,
        "materials",
        matter_sheet,
        errors,
        unread,
        item_rows,
    )
    attach_rows(
        workbook,
        FORM_FIELD_SHEET,
        FORM_FIELD_COLUMNS,
        "form_fields",
        matter_sheet,
        errors,
        unread,
        item_rows,
    )
    if base_pack is None:
        fixed = read_pack_sheet(workbook, errors)
    else:
        fixed = fixed_files(load_pack(base_pack))
    matters = matter_sheet.matters
    if matters is None or any(key not in fixed for key in PACK_KEYS):
        # The pack cannot be assembled, so it cannot be validated either.
        raise XlsxImportFailed(errors)

    write_pack_atomically(
        out_dir,
        fixed,
        list(matters.values()),
        ReadResult(
            errors, matter_sheet.rows, unread, _header_letters(workbook), item_rows
        ),
        progress,
    )
    logger.info("catalog_pack.xlsx_imported", matter_count=len(matters))
    return len(matters)


def _header_letters(workbook: openpyxl.Workbook) -> dict[str, dict[str, str]]:
    """Return the column letter of each header, by sheet, for the sheets present."""
    return {
        title: header_letters(workbook[title])
        for title in (MATTER_SHEET, MATERIAL_SHEET, FORM_FIELD_SHEET)
        if title in workbook.sheetnames
    }


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
    if out_dir.exists() and not out_dir.is_dir():
        _fail_file(
            out_dir,
            "xlsx.out_not_folder",
            _("The output path is a file, not a folder. Give a new or empty folder."),
        )
    if out_dir.exists() and any(out_dir.iterdir()):
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
