"""Validate a catalogue pack and report every error, not only the first."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from django.utils.translation import gettext_lazy as _

from onestop.core.progress import ProgressCallback

from .checks import (
    check_certificate_types,
    check_matter,
    check_unique_across_matters,
    department_keys,
)
from .documents import Document, parse_document
from .errors import PackError, make_error
from .reader import read_pack_files
from .schemas import check_schema

FIXED_FILES = {
    "pack.yaml": "pack",
    "departments.yaml": "departments",
    "certificate_types.yaml": "certificate_types",
}
MATTER_FOLDER = "matters/"


@dataclass
class CheckedPack:
    """The parsed documents of a pack and every error found in them."""

    fixed: dict[str, Document] = field(default_factory=dict)
    matters: list[Document] = field(default_factory=list)
    errors: list[PackError] = field(default_factory=list)


def validate_pack(
    path: str | Path, progress: ProgressCallback | None = None
) -> list[PackError]:
    """Return every error of the pack folder or .zip at `path`, or [] if it is valid.

    `progress` is called with the count of files checked and the file count.
    """
    return check_pack(path, progress).errors


def check_pack(
    path: str | Path, progress: ProgressCallback | None = None
) -> CheckedPack:
    """Read, parse and check the pack at `path`, keeping its documents and errors.

    `progress` is called before each file and once at the end, with the count of
    files checked and the file count.
    """
    source = read_pack_files(path)
    checked = CheckedPack(errors=list(source.errors))
    if not source.found:
        return checked

    for checked_count, name in enumerate(sorted(source.files)):
        if progress is not None:
            progress(checked_count, len(source.files))
        kind = _file_kind(name)
        if kind is None:
            checked.errors.append(_unknown_file(name))
            continue

        document, error = parse_document(name, source.files[name])
        if error is not None:
            checked.errors.append(error)
        elif document is not None and document.data is None:
            checked.errors.append(_empty_file(name))
        elif document is not None:
            checked.errors += check_schema(document, kind)
            if kind == "matter":
                checked.matters.append(document)
            else:
                checked.fixed[kind] = document
    if progress is not None:
        progress(len(source.files), len(source.files))

    _check_required_files(source.present, checked)
    _check_references(checked)
    checked.errors.sort(key=_sort_key)
    return checked


def _file_kind(name: str) -> str | None:
    if name in FIXED_FILES:
        return FIXED_FILES[name]

    if name.startswith(MATTER_FOLDER):
        rest = name[len(MATTER_FOLDER) :]
        if "/" not in rest and rest.endswith(".yaml"):
            return "matter"
    return None


def _check_required_files(present: set[str], checked: CheckedPack) -> None:
    """Report each fixed file that the pack lacks. A file that is present but was not
    read has its own error from the reader, such as file.too_large."""
    for name in FIXED_FILES:
        if name not in present:
            checked.errors.append(
                make_error(
                    name,
                    "",
                    "file.missing",
                    _("The pack has no %(name)s. Add the file at the top of the pack."),
                    name=name,
                )
            )


def _check_references(checked: CheckedPack) -> None:
    departments = department_keys(checked.fixed.get("departments"))

    certificate_types: set[str] = set()
    catalogue = checked.fixed.get("certificate_types")
    if catalogue is not None:
        certificate_types, errors = check_certificate_types(catalogue, departments)
        checked.errors += errors

    for document in checked.matters:
        checked.errors += check_matter(document, departments, certificate_types)
    checked.errors += check_unique_across_matters(checked.matters)


def _unknown_file(name: str) -> PackError:
    return make_error(
        name,
        "",
        "file.unknown",
        _(
            "The YAML file %(name)s is not part of the pack format. A pack has "
            "pack.yaml, departments.yaml, certificate_types.yaml and "
            "matters/<id>.yaml; move or remove this file."
        ),
        name=name,
    )


def _empty_file(name: str) -> PackError:
    return make_error(
        name,
        "",
        "file.empty",
        _(
            "The file %(name)s is empty: it has no YAML value, only blank lines or "
            "comments. Write its content as the pack format describes, or remove a "
            "matter file that the pack does not need."
        ),
        name=name,
    )


def _sort_key(error: PackError) -> tuple[str, int, int, str, str]:
    return (error.file, error.line or 0, error.column or 0, error.path, error.rule)
