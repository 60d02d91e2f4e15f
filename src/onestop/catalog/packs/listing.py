"""Turn a published matter listing (names and codes only) into a guide-only pack.

The listing is JSON with an ``items`` list. Each item has ``department``, ``main_item``,
``name``, ``task_type`` (the 事项类型 code without its leading zero) and
``implementation_code``. An editable YAML mapping names the role key of each listed
department and the matter type of each task type. Every matter of the result is
``guide_only``: listed and searchable, but not open for application, because a listing
has no materials, time limits or forms.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any, cast

import yaml
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext_lazy

from onestop.core.errors import InvalidInput
from onestop.core.json_errors import describe_json_error
from onestop.core.logging import get_logger
from onestop.core.progress import ProgressCallback

from .documents import Document, parse_document
from .errors import PackError, make_error
from .schemas import check_schema
from .validate import validate_pack

logger = get_logger(__name__)

MAX_LISTING_BYTES = 64 * 1024 * 1024
ITEM_KEYS = ("department", "main_item", "name", "task_type", "implementation_code")
UNGROUPED_MAIN_ITEM = "未分类"
_SLUG = re.compile(r"^[a-z0-9][a-z0-9-]{1,80}$")
_BASIC_CODE = re.compile(r"^[0-9]{12}$")


class ListingImportFailed(InvalidInput):
    code = "catalog_pack.listing_import_failed"

    def __init__(self, errors: list[PackError]) -> None:
        self.message = ngettext_lazy(
            "The listing could not be turned into a pack: %(count)s error: %(first)s. "
            "Fix the listing or the mapping and run the import again.",
            "The listing could not be turned into a pack: %(count)s errors, the first "
            "is: %(first)s. Fix the listing or the mapping and run the import again.",
            len(errors),
        )
        super().__init__(count=len(errors), first=str(errors[0]))
        self.errors = errors


@dataclass(frozen=True)
class ImportReport:
    """The result of an import: the pack folder, its matter count and its roles."""

    out_dir: Path
    matter_count: int
    roles: list[str]


def import_listing(
    listing_path: Path,
    mapping_path: Path,
    out_dir: Path,
    progress: ProgressCallback | None = None,
) -> ImportReport:
    """Write a pack of guide-only matters from a listing into the new folder `out_dir`.

    Raises ListingImportFailed with every error of the mapping or the listing, and
    before writing anything when `out_dir` exists and is not empty. `progress` is
    called with the count of written pack files validated and their count.
    """
    mapping = _read_mapping(mapping_path)
    items = _read_listing(listing_path)
    _check_items(listing_path.name, items, mapping)
    _check_out_dir(out_dir)

    matters = [_matter(index, item, mapping) for index, item in enumerate(items)]
    roles = _write_pack(out_dir, mapping, matters)

    errors = validate_pack(out_dir, progress)
    if errors:
        raise ListingImportFailed(errors)

    logger.info(
        "catalog_pack.listing_imported",
        pack_id=mapping["pack"]["id"],
        matter_count=len(matters),
        role_count=len(roles),
    )
    return ImportReport(out_dir, len(matters), roles)


def _read_mapping(path: Path) -> dict[str, Any]:
    document, error = parse_document(path.name, _read_bounded(path))
    if error is not None:
        raise ListingImportFailed([error])

    document = cast(Document, document)
    errors = check_schema(document, "mapping")
    if errors:
        raise ListingImportFailed(errors)
    return dict(document.data)


def _read_listing(path: Path) -> list[dict[str, Any]]:
    try:
        data = json.loads(_read_bounded(path))
    except json.JSONDecodeError as error:
        raise ListingImportFailed(
            [
                make_error(
                    path.name,
                    "",
                    "listing.invalid_json",
                    _("The listing is not valid JSON (%(error)s). Fix the file."),
                    error=describe_json_error(error),
                )
            ]
        ) from error
    except UnicodeDecodeError as error:
        raise ListingImportFailed(
            [
                make_error(
                    path.name,
                    "",
                    "listing.invalid_json",
                    _(
                        "The file is not valid UTF-8 (byte %(offset)s). Save it as UTF-8."
                    ),
                    offset=error.start,
                )
            ]
        ) from error

    items = data.get("items") if isinstance(data, dict) else None
    if not isinstance(items, list):
        raise ListingImportFailed(
            [
                make_error(
                    path.name,
                    "items",
                    "listing.no_items",
                    _("The listing has no list under the key items. Check the file."),
                )
            ]
        )
    return items


def _read_bounded(path: Path) -> bytes:
    if path.is_dir():
        raise ListingImportFailed(
            [
                make_error(
                    str(path),
                    "",
                    "listing.not_a_file",
                    _("%(path)s is a folder, not a file. Give the path of the file."),
                    path=str(path),
                )
            ]
        )
    if not path.is_file():
        raise ListingImportFailed(
            [
                make_error(
                    str(path),
                    "",
                    "listing.not_found",
                    _("No file was found at %(path)s. Check the path."),
                    path=str(path),
                )
            ]
        )

    size = path.stat().st_size
    if size > MAX_LISTING_BYTES:
        raise ListingImportFailed(
            [
                make_error(
                    path.name,
                    "",
                    "file.too_large",
                    _(
                        "The file %(name)s has %(size)s bytes, more than the limit of "
                        "%(limit)s. Split it or remove unneeded text."
                    ),
                    name=path.name,
                    size=size,
                    limit=MAX_LISTING_BYTES,
                )
            ]
        )
    return path.read_bytes()


def _check_items(file: str, items: list[Any], mapping: dict[str, Any]) -> None:
    """Raise ListingImportFailed with every malformed item and every unmapped value."""
    listing = Document(file, {"items": items})
    errors: list[PackError] = []
    unmapped: set[tuple[str, str]] = set()

    for index, item in enumerate(items):
        if not isinstance(item, dict) or not all(
            isinstance(item.get(key), str) and item[key] for key in ITEM_KEYS
        ):
            errors.append(
                listing.error(
                    ("items", index),
                    "listing.malformed_item",
                    _(
                        "The item is not an object with the text fields %(keys)s. "
                        "Fix the item."
                    ),
                    keys=", ".join(ITEM_KEYS),
                )
            )
            continue

        for field, table in [
            ("department", "departments"),
            ("task_type", "task_types"),
        ]:
            value = item[field]
            if value not in mapping[table] and (field, value) not in unmapped:
                unmapped.add((field, value))
                errors.append(_unmapped_error(listing, index, field, value))

    if errors:
        raise ListingImportFailed(errors)


def _unmapped_error(listing: Document, index: int, field: str, value: str) -> PackError:
    if field == "department":
        message = _(
            "The department %(value)s has no role in the mapping. Add it under "
            "departments with its role key and kind."
        )
    else:
        message = _(
            "The task type %(value)s has no matter type in the mapping. Add it under "
            "task_types."
        )
    return listing.error(
        ("items", index, field), f"listing.unmapped_{field}", message, value=value
    )


def _check_out_dir(out_dir: Path) -> None:
    if out_dir.exists() and (not out_dir.is_dir() or any(out_dir.iterdir())):
        raise ListingImportFailed(
            [
                make_error(
                    str(out_dir),
                    "",
                    "listing.out_dir_not_empty",
                    _(
                        "The output folder %(path)s exists and is not empty. Give a "
                        "new or empty folder, so no pack is overwritten."
                    ),
                    path=str(out_dir),
                )
            ]
        )


def _matter(
    index: int, item: dict[str, Any], mapping: dict[str, Any]
) -> dict[str, Any]:
    """Build the guide-only matter of one listing item."""
    code = item["implementation_code"]
    slug = code.lower()
    matter_id = slug if _SLUG.match(slug) else f"item-{index + 1:05d}"

    first_segment = code.split("-", 1)[0]
    basic_code = first_segment if _BASIC_CODE.match(first_segment) else None
    main_item = item["main_item"]

    matter: dict[str, Any] = {
        "id": matter_id,
        "guide_only": True,
        "basic_code": basic_code,
        "implementation_code": code,
        "name": item["name"],
        "main_item": None if main_item == UNGROUPED_MAIN_ITEM else main_item,
        "type": mapping["task_types"][item["task_type"]],
        "department": mapping["departments"][item["department"]]["role"],
        "sources": [
            {"field": "name", "source": mapping["listing"], "kind": "national_listing"},
            {
                "field": "implementation_code",
                "source": mapping["listing"],
                "kind": "national_listing",
            },
        ],
    }
    if basic_code is not None:
        # NOTE: a 12-digit first segment of the portal's implementation code is taken
        # as the basic code. The listing does not say that it is the national code.
        matter["sources"].append(
            {
                "field": "basic_code",
                "source": "实施编码的第一段（12位数字），未与国家基本目录核对。",
                "kind": "local_practice",
            }
        )
        matter["local_practice"] = ["basic_code"]
    return matter


def _write_pack(
    out_dir: Path, mapping: dict[str, Any], matters: list[dict[str, Any]]
) -> list[str]:
    """Write the pack files and return the department roles it defines."""
    departments: dict[str, dict[str, str]] = {}
    for listed_name, entry in mapping["departments"].items():
        departments.setdefault(
            entry["role"],
            {"name": entry.get("name", listed_name), "kind": entry["kind"]},
        )

    metadata = {**mapping["pack"], "base": None, "bundles": []}
    (out_dir / "matters").mkdir(parents=True, exist_ok=True)
    _dump(out_dir / "pack.yaml", metadata)
    _dump(out_dir / "departments.yaml", {"departments": departments})
    _dump(out_dir / "certificate_types.yaml", {"certificate_types": []})
    for matter in matters:
        _dump(out_dir / "matters" / f"{matter['id']}.yaml", matter)
    return sorted(departments)


def _dump(path: Path, data: Any) -> None:
    text = yaml.safe_dump(data, allow_unicode=True, sort_keys=False, width=88)
    path.write_text(text, encoding="utf-8")
