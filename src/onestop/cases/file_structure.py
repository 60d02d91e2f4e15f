"""The minimal structure of each accepted material type, beyond its leading bytes.

The sniffed type tells only how a file starts. A file of 8 bytes that holds a PNG
signature, or a JPEG cut after its first header, would pass as an image that no viewer
can open. Each rule here is the least a reader of the type needs to find in the file.
"""

from __future__ import annotations

from collections.abc import Callable

from django.db import models
from django.utils.translation import gettext_lazy as _

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
# The IHDR chunk: a 4-byte length of 13, the type, 13 bytes of data and a 4-byte CRC.
PNG_IHDR_HEADER = b"\x00\x00\x00\x0dIHDR"
PNG_IHDR_END = len(PNG_SIGNATURE) + len(PNG_IHDR_HEADER) + 13 + 4
JPEG_START_OF_IMAGE = b"\xff\xd8"
JPEG_END_OF_IMAGE = b"\xff\xd9"
PDF_HEADER = b"%PDF-"
PDF_END_OF_FILE = b"%%EOF"
# A PDF file's trailer ends with %%EOF, and the header comes first. Some writers put
# bytes before the header or after the trailer, so each is looked for within 1024 bytes
# of its end of the file.
PDF_WINDOW = 1024


class StructureRule(models.TextChoices):
    """A rule of a file type's structure: its key for details, its text for messages."""

    PNG_IHDR = (
        "png_ihdr",
        _(
            "a PNG file has a complete IHDR chunk (25 bytes) right after its 8-byte "
            "signature"
        ),
    )
    JPEG_SEGMENTS = (
        "jpeg_segments",
        _(
            "a JPEG file has a complete marker segment after its start-of-image marker "
            "FF D8, and an end-of-image marker FF D9 after it"
        ),
    )
    PDF_HEADER_AND_EOF = (
        "pdf_header_and_eof",
        _(
            "a PDF file has %PDF- within its first 1024 bytes and %%EOF within its last "
            "1024 bytes"
        ),
    )


def _png_problem(content: bytes) -> StructureRule | None:
    complete = (
        content.startswith(PNG_SIGNATURE)
        and content[len(PNG_SIGNATURE) : len(PNG_SIGNATURE) + 8] == PNG_IHDR_HEADER
        and len(content) >= PNG_IHDR_END
    )
    return None if complete else StructureRule.PNG_IHDR


def _jpeg_problem(content: bytes) -> StructureRule | None:
    # After SOI comes a marker (FF and a code) and a 2-byte big-endian length that
    # counts itself and the segment's data.
    segment = content[2:6]
    complete = (
        content.startswith(JPEG_START_OF_IMAGE)
        and len(segment) == 4
        and segment[0] == 0xFF
        and int.from_bytes(segment[2:4], "big") >= 2
    )
    if complete:
        segment_end = 4 + int.from_bytes(segment[2:4], "big")
        complete = JPEG_END_OF_IMAGE in content[segment_end:]
    return None if complete else StructureRule.JPEG_SEGMENTS


def _pdf_problem(content: bytes) -> StructureRule | None:
    complete = (
        PDF_HEADER in content[:PDF_WINDOW] and PDF_END_OF_FILE in content[-PDF_WINDOW:]
    )
    return None if complete else StructureRule.PDF_HEADER_AND_EOF


PROBLEMS: dict[str, Callable[[bytes], StructureRule | None]] = {
    "image/png": _png_problem,
    "image/jpeg": _jpeg_problem,
    "application/pdf": _pdf_problem,
}


def structure_problem(content_type: str, content: bytes) -> StructureRule | None:
    """Return the rule of `content_type` that `content` breaks, or None when it has none."""
    check = PROBLEMS.get(content_type)
    return check(content) if check is not None else None
