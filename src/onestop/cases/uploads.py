"""Checks of uploaded materials: size, and the content type sniffed from the bytes.

The browser's content type and the file name are never trusted. The type comes from the file's
leading bytes (puremagic); the name's extension must agree with it, so that a program renamed
to .pdf, or a PDF renamed to .jpg, is rejected with a message that names both.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import PurePath

import puremagic
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from onestop.core.errors import InvalidInput

# Sniffed content type -> the extensions a file of that type may carry.
ALLOWED_TYPES = {
    "application/pdf": {".pdf"},
    "image/jpeg": {".jpg", ".jpeg"},
    "image/png": {".png"},
}


class UploadEmpty(InvalidInput):
    code = "upload.empty"
    message = _("The file %(name)s is empty. Choose the file again.")


class UploadTooLarge(InvalidInput):
    code = "upload.too_large"
    status = 413
    message = _(
        "The file %(name)s is %(size_mb)s MB; the limit is %(limit_mb)s MB. "
        "Scan it at a lower resolution or split it."
    )


class UploadTypeNotAllowed(InvalidInput):
    code = "upload.type_not_allowed"
    status = 415
    message = _(
        "The file %(name)s is not a PDF, JPEG or PNG file (its content was recognised as "
        "%(detected)s). Upload a PDF, JPEG or PNG."
    )


class UploadDisguised(InvalidInput):
    code = "upload.disguised"
    status = 415
    message = _(
        "The name of the file %(name)s does not match its content, which is %(detected)s. "
        "Rename it to match its content, or upload the right file."
    )


@dataclass(frozen=True)
class CheckedUpload:
    name: str
    content_type: str
    size: int
    sha256: str
    content: bytes


def safe_name(name: str) -> str:
    """Return the last path component of a client-supplied file name, at most 120 characters."""
    base = PurePath(name.replace("\\", "/")).name or "upload"
    return base[-120:]


def check_upload(name: str, content: bytes) -> CheckedUpload:
    """Return the checked upload, or raise an error that names the file and the rule."""
    name = safe_name(name)
    if not content:
        raise UploadEmpty(name=name)
    check_upload_size(name, len(content))

    detected = sniff_content_type(content)
    if detected not in ALLOWED_TYPES:
        raise UploadTypeNotAllowed(name=name, detected=detected or _("unknown"))
    extension = PurePath(name).suffix.lower()
    if extension not in ALLOWED_TYPES[detected]:
        raise UploadDisguised(name=name, extension=extension, detected=detected)

    return CheckedUpload(
        name=name,
        content_type=detected,
        size=len(content),
        sha256=hashlib.sha256(content).hexdigest(),
        content=content,
    )


def check_upload_size(name: str, size: int) -> None:
    """Raise UploadTooLarge when `size` bytes pass the configured limit per file."""
    limit = settings.ONESTOP_MAX_UPLOAD_BYTES
    if size > limit:
        raise UploadTooLarge(
            name=safe_name(name),
            size_mb=f"{size / 1048576:.1f}",
            limit_mb=f"{limit / 1048576:.0f}",
        )


def sniff_content_type(content: bytes) -> str:
    """Return the MIME type recognised from the leading bytes, or "" when none is."""
    try:
        detected = puremagic.from_string(content[:8192], mime=True)
    except puremagic.PureError:
        return ""
    return detected or ""
