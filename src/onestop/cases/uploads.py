"""Checks of uploaded materials: size, and the content type sniffed from the bytes.

The browser's content type and the file name are never trusted. The type comes from the
file's bytes (`content_types`); the name's extension must agree with it, so that a program
renamed to .pdf, or a PDF renamed to .jpg, is rejected with a message that names both. The
file must also have the minimal structure of its type (`file_structure.py`), so that a bare
signature or a truncated upload is not kept as a material.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import PurePath
from typing import Any, ClassVar

from django.conf import settings
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext_lazy

from onestop.cases.content_types import sniff_content_type
from onestop.cases.file_structure import StructureRule, structure_problem
from onestop.cases.form_errors import FormInvalid, form_summary
from onestop.core.errors import InvalidInput, echoed
from onestop.core.file_types import file_type_name
from onestop.core.multipart import (
    MAX_FILE_NAME_LENGTH,
    NOTHING_SAVED,
    FileNameTooLong,
)
from onestop.core.sizes import megabyte_texts

# Sniffed content type -> the extensions a file of that type may carry.
ALLOWED_TYPES = {
    "application/pdf": {".pdf"},
    "image/jpeg": {".jpg", ".jpeg"},
    "image/png": {".png"},
}


class UploadRejected(InvalidInput):
    """One uploaded file that failed a check; `material` names what it was uploaded for.

    Each subclass registers under its code in `by_code`, so that an entry of
    `details.files` ({"code", ...details}) can be shown as the subclass's message.
    """

    code = "upload.rejected"
    by_code: ClassVar[dict[str, type[UploadRejected]]] = {}

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        UploadRejected.by_code.setdefault(cls.code, cls)

    def message_values(self) -> dict[str, Any]:
        """Name the detected type by its short name (PDF), while `details.detected`
        keeps the MIME type for API clients."""
        values = super().message_values()
        detected = self.details.get("detected")
        if isinstance(detected, str):
            values["detected"] = file_type_name(detected)
        return values


class UploadEmpty(UploadRejected):
    code = "upload.empty"
    message = _(
        "The file %(name)s for %(material)s is empty (0 bytes). Choose the file again."
    )


class UploadTooLarge(UploadRejected):
    code = "upload.too_large"
    status = 413
    message = _(
        "The file %(name)s for %(material)s is %(size_mb)s MB; the limit is "
        "%(limit_mb)s MB per file. Scan it at a lower resolution or split it."
    )


class UploadNameTooLong(UploadRejected, FileNameTooLong):
    code = FileNameTooLong.code


class UploadTypeNotAllowed(UploadRejected):
    code = "upload.type_not_allowed"
    status = 415
    message = _(
        "The file %(name)s for %(material)s is not a PDF, JPEG or PNG file: its content "
        "was recognised as %(detected)s. Upload a PDF, JPEG or PNG."
    )
    # The message when `detected` is None: no content type that OneStop detects.
    unknown_type_message = _(
        "The file %(name)s for %(material)s is not a PDF, JPEG or PNG file: its content "
        "is not of a type OneStop recognises. Upload a PDF, JPEG or PNG."
    )

    def __init__(self, message: Any = None, /, **details: Any) -> None:
        super().__init__(message, **details)
        if message is None and not details.get("detected"):
            self.message = self.unknown_type_message


class UploadIncomplete(UploadRejected):
    code = "upload.incomplete"
    message = _(
        "The file %(name)s for %(material)s starts as a file of type %(detected)s but "
        "is not complete: %(rule)s. Upload the complete file, or save or scan it again."
    )

    def message_values(self) -> dict[str, Any]:
        values = super().message_values()
        rule = self.details.get("rule")
        if isinstance(rule, str) and rule in StructureRule.values:
            values["rule"] = StructureRule(rule).label
        return values


class UploadDisguised(UploadRejected):
    code = "upload.disguised"
    status = 415
    message = _(
        "The name of the file %(name)s for %(material)s does not match its content, "
        "which is %(detected)s and takes the extension %(expected)s. Rename it to match "
        "its content, or upload the right file."
    )


# Ends the message of one rejected file on a page that keeps the files that passed
# their checks (cases.held_uploads), in place of NOTHING_SAVED.
OTHER_FILES_KEPT = _(
    "Nothing from this request was saved, but the form keeps its files that passed "
    "their checks: choose only this file again."
)

MATERIALS_MISSING_TOO = _(
    "These required materials are missing too: %(materials)s. Provide each of them."
)


class UploadsInvalid(InvalidInput):
    """Several rejected files of one request, reported together in `details.files`."""

    code = "upload.invalid"

    def __init__(self, **details: Any) -> None:
        self.message = ngettext_lazy(
            "%(count)s file cannot be accepted, so nothing from this request was "
            "saved: %(summary)s",
            "%(count)s files cannot be accepted, so nothing from this request was "
            "saved: %(summary)s",
            details["count"],
        )
        super().__init__(**details)

    def message_values(self) -> dict[str, Any]:
        summary = " ".join(upload_message(entry) for entry in self.details["files"])
        return {**super().message_values(), "summary": summary}


class UploadsAndFormInvalid(UploadsInvalid):
    """Rejected files and invalid form fields of one request, reported in one notice.

    `form_error` is the FormInvalid of the form, whose fields go into the details.
    """

    status = 400

    def __init__(self, *, form_error: FormInvalid, **details: Any) -> None:
        super().__init__(fields=form_error.details["fields"], **details)
        self.message = _(
            "Nothing from this request was saved. These files cannot be accepted: "
            "%(summary)s Correct these fields of the form too: %(form_summary)s"
        )
        self.form_fields = form_error.form_fields

    def message_values(self) -> dict[str, Any]:
        return {**super().message_values(), "form_summary": form_summary(self)}


@dataclass(frozen=True)
class CheckedUpload:
    name: str
    content_type: str
    size: int
    sha256: str
    content: bytes


@dataclass(frozen=True)
class RejectedUpload:
    """A file that failed the checks, kept so that one error can list every such file."""

    material: str
    error: UploadRejected


def safe_name(name: str) -> str:
    """Return the last path component of a client-supplied file name."""
    return PurePath(name.replace("\\", "/")).name or "upload"


def check_upload(name: str, content: bytes, *, material: str) -> CheckedUpload:
    """Return the checked upload, or raise an error that names the file and the rule.

    `material` names the material the file is for, in the error's message.
    """
    name = safe_name(name)
    if len(name) > MAX_FILE_NAME_LENGTH:
        # Rejected rather than shortened, so that the stored name is the one the
        # applicant chose. Characters are code points: 𠮷 counts as one, as "a" does.
        raise UploadNameTooLong(
            name=echoed(name),
            material=material,
            length=len(name),
            limit=MAX_FILE_NAME_LENGTH,
        )
    if not content:
        raise UploadEmpty(name=name, material=material, size=0)
    check_upload_size(name, len(content), material=material)

    detected = sniff_content_type(content)
    if detected not in ALLOWED_TYPES:
        raise UploadTypeNotAllowed(
            name=name,
            material=material,
            detected=detected or None,
            allowed=sorted(ALLOWED_TYPES),
        )
    problem = structure_problem(detected, content)
    if problem is not None:
        raise UploadIncomplete(
            name=name, material=material, detected=detected, rule=problem
        )
    extension = PurePath(name).suffix.lower()
    if extension not in ALLOWED_TYPES[detected]:
        expected = sorted(ALLOWED_TYPES[detected])
        raise UploadDisguised(
            name=name,
            material=material,
            extension=extension,
            detected=detected,
            expected=" / ".join(expected),
        )

    return CheckedUpload(
        name=name,
        content_type=detected,
        size=len(content),
        sha256=hashlib.sha256(content).hexdigest(),
        content=content,
    )


def check_upload_size(name: str, size: int, *, material: str) -> None:
    """Raise UploadTooLarge when `size` bytes pass the configured limit per file."""
    limit = settings.ONESTOP_MAX_UPLOAD_BYTES
    if size > limit:
        size_mb, limit_mb = megabyte_texts(size, limit)
        raise UploadTooLarge(
            name=echoed(safe_name(name)),
            material=material,
            size=size,
            limit=limit,
            size_mb=size_mb,
            limit_mb=limit_mb,
        )


def upload_too_large_message(material: str) -> str:
    """Return the message of UploadTooLarge for a file of `material`, with the file's
    name, size and limit left as {name}, {size_mb} and {limit_mb}, for the page script
    that checks a chosen file before the form is sent and prints both sizes as the
    server does."""
    error = UploadTooLarge(
        name="{name}", material=material, size_mb="{size_mb}", limit_mb="{limit_mb}"
    )
    return error.render()


def check_no_rejected_uploads(
    rejected: list[RejectedUpload],
    materials: list[dict[str, Any]],
    *,
    form_error: FormInvalid | None = None,
    missing: dict[str, Any] | None = None,
    files_kept: bool = False,
) -> None:
    """Raise one error that lists every rejected file with its material's name.

    One rejected file raises its own error (`upload.too_large`, …). Several raise
    UploadsInvalid, whose status is theirs when they share one and 400 otherwise.
    Each file is an entry of `details.files`: its error's code and details.
    `materials` are the matter's materials ({"key", "name", …}). With `form_error`,
    one UploadsAndFormInvalid lists the files and the form's fields. `missing` names
    the required materials that have no accepted file (the details `materials`,
    `missing` and `material_keys`): the error contains those details and its message
    lists them, so that one notice names everything. With `files_kept`, the page keeps
    the files that passed, and the message of one rejected file says so.
    """
    if not rejected:
        return
    names = {material["key"]: material["name"] for material in materials}
    errors = []
    for item in rejected:
        error = item.error
        error.details["material"] = names.get(item.material, item.material)
        error.details["material_key"] = item.material
        errors.append(error)
    files = [{"code": error.code, **error.details} for error in errors]
    if form_error is not None:
        raise _listing_missing(
            UploadsAndFormInvalid(
                form_error=form_error, count=len(errors), files=files
            ),
            missing,
        )
    if len(errors) == 1:
        error = _listing_missing(errors[0], missing)
        error.details["files"] = files
        # The other files of the request were not stored either. Unless the page keeps
        # them, its file inputs come back empty, so the message requests them all again.
        ending = OTHER_FILES_KEPT if files_kept else NOTHING_SAVED
        error.message = format_lazy("{} {}", error.message, ending)
        raise error

    combined = UploadsInvalid(count=len(errors), files=files)
    statuses = {error.status for error in errors}
    combined.status = statuses.pop() if len(statuses) == 1 else 400
    raise _listing_missing(combined, missing)


def _listing_missing[E: InvalidInput](error: E, missing: dict[str, Any] | None) -> E:
    """Add the missing materials to the error's details and a sentence to its message."""
    if missing:
        error.details.update(missing)
        error.message = format_lazy("{} {}", error.message, MATERIALS_MISSING_TOO)
    return error


def upload_message(entry: dict[str, Any]) -> str:
    """Return the message of one entry of `details.files` in the active language."""
    error_class = UploadRejected.by_code.get(str(entry.get("code")), UploadRejected)
    values = {name: value for name, value in entry.items() if name != "code"}
    return error_class(**values).render()


def upload_errors_by_material(error: Exception | None) -> dict[str, list[str]]:
    """Return the messages of an error's rejected files by material key, for pages."""
    by_material: dict[str, list[str]] = {}
    details = getattr(error, "details", None) or {}
    for entry in details.get("files", []):
        by_material.setdefault(entry["material_key"], []).append(upload_message(entry))
    return by_material
