"""The content type of an upload, named only as far as its bytes prove it.

puremagic (2.2) matches leading bytes, and several types can share one signature. A ZIP
archive's local file header `PK\\x03\\x04` starts every Office Open XML file, and
puremagic then returns its first guess, a Word document (.docx), even for a bare
signature or a plain ZIP. When its best matches tie on different types, the file is
named by the container that the signature proves. A ZIP archive is read further, and
named as a Word, Excel or PowerPoint file only when it contains that format's main part.
"""

from __future__ import annotations

import io
import zipfile

import puremagic

# How many leading bytes are passed to puremagic.
SNIFFED_BYTES = 8192
ZIP_SIGNATURE = b"PK\x03\x04"
ZIP = "application/zip"
# The container type that each shared signature proves on its own.
CONTAINERS = {
    ZIP_SIGNATURE: ZIP,
    # The OLE2 compound file of .doc, .xls, .ppt and .msi files.
    b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1": "application/x-ole-storage",
}
# Office Open XML (ECMA-376) formats by the part name of their main document.
OFFICE_MAIN_PARTS = {
    "word/document.xml": (
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    ),
    "xl/workbook.xml": (
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    ),
    "ppt/presentation.xml": (
        "application/vnd.openxmlformats-officedocument.presentationml.presentation"
    ),
}


def sniff_content_type(content: bytes) -> str:
    """Return the MIME type that the bytes prove, or "" when no signature matches."""
    try:
        matches = puremagic.magic_string(content[:SNIFFED_BYTES])
    except puremagic.PureError:
        return ""
    if not matches:
        return ""

    best = matches[0]
    tied = {
        match.mime_type
        for match in matches
        if match.confidence == best.confidence and match.byte_match == best.byte_match
    }
    container = CONTAINERS.get(bytes(best.byte_match))
    if container is None or len(tied) == 1:
        return best.mime_type or ""
    if container == ZIP:
        return _zip_content_type(content)
    return container


def _zip_content_type(content: bytes) -> str:
    """Return the Office Open XML type of a ZIP archive, or application/zip."""
    try:
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            names = set(archive.namelist())
    except (zipfile.BadZipFile, ValueError, EOFError):
        return ZIP
    if "[Content_Types].xml" not in names:
        return ZIP
    for part, content_type in OFFICE_MAIN_PARTS.items():
        if part in names:
            return content_type
    return ZIP
