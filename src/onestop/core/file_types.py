"""Short names of file types, for pages and messages that a person reads.

Uploads and documents store their MIME type (RFC 6838), which the API returns as it is.
Pages and messages name a type by the short name that people know from file extensions.
"""

from __future__ import annotations

# MIME type -> short name. OFD (GB/T 33190-2016) is the Chinese fixed-layout format of
# electronic certificates and invoices, stored as a ZIP archive.
FILE_TYPE_NAMES = {
    "application/pdf": "PDF",
    "image/jpeg": "JPEG",
    "image/png": "PNG",
    "image/gif": "GIF",
    "image/tiff": "TIFF",
    "image/webp": "WebP",
    "image/bmp": "BMP",
    "application/ofd": "OFD",
    "application/zip": "ZIP",
    "application/x-ole-storage": "OLE2 (DOC, XLS, PPT)",
    "application/msword": "DOC",
    "application/vnd.ms-excel": "XLS",
    "application/vnd.ms-powerpoint": "PPT",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": "DOCX",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": "XLSX",
    "application/vnd.openxmlformats-officedocument.presentationml.presentation": "PPTX",
    "application/vnd.microsoft.portable-executable": "EXE",
    "application/x-dosexec": "EXE",
    "application/x-msdownload": "EXE",
    "text/plain": "TXT",
    "text/html": "HTML",
    "application/json": "JSON",
    "application/xml": "XML",
    "text/xml": "XML",
}


def file_type_name(content_type: str) -> str:
    """Return the short name of a MIME type, such as PDF for application/pdf.

    Parameters such as "; charset=utf-8" and letter case are ignored. A type without a
    short name is returned as it was given, and "" stays "".
    """
    essence = content_type.split(";", 1)[0].strip().lower()
    return FILE_TYPE_NAMES.get(essence, content_type)
