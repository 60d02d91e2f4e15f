"""Write an imported pack into a temporary folder, validate it, and rename it."""

from __future__ import annotations

import os
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from ..documents import PathKey, format_path
from ..errors import PackError
from ..loader import FORM_FIELD_DEFAULTS, MATERIAL_DEFAULTS, MATTER_DEFAULTS
from ..validate import validate_pack
from .errors import XlsxError, XlsxImportFailed
from .layout import MATTER_SHEET, PACK_SHEET

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
    paths repeat a cell error and are left out.
    """

    errors: list[XlsxError]
    matter_rows: dict[str, int]
    unread: dict[str, set[PathKey]]


def write_pack_atomically(
    out_dir: Path,
    fixed: dict[str, Any],
    matters: list[dict[str, Any]],
    read: ReadResult,
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
