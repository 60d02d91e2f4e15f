"""Multipart bodies that Django's parser rejects, reported as OneStop's errors.

Django's MultiPartParser reads at most 1024 bytes of headers per part
(django.http.multipartparser.MAX_TOTAL_HEADER_SIZE, Django 6.1) and raises
MultiPartParserError past it, for which Django returns a bare HTML 400. A file name
of about 1000 bytes passes that limit. To name the material of such a part, the
request's stream keeps the bytes it read last, and the part is found in them.
"""

from __future__ import annotations

import re
from collections import deque
from collections.abc import Callable
from typing import Any, BinaryIO, cast
from urllib.parse import unquote

from django.http import HttpRequest, multipartparser
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from onestop.core.errors import InvalidInput, echoed

# The bytes of headers that Django's parser reads for one part. django-stubs lack it.
MAX_TOTAL_HEADER_SIZE: int = multipartparser.MAX_TOTAL_HEADER_SIZE  # type: ignore[attr-defined]
# The maximum length of an upload's file name, in characters (code points), so that a
# name of ideographs outside the BMP has the same limit as an ASCII one.
MAX_FILE_NAME_LENGTH = 120
# Django reads the body in chunks of 64 KiB (the upload handlers' chunk_size) and fails
# within a few KiB of the part's start, so the last 256 KiB read contain its headers.
RECORDED_BYTES = 256 * 1024

# Functions that return the name of the material `key` of the matter that a request is
# for, given the request and its short text parts read so far, or None. Core cannot read
# matters, so the cases app registers one; when none returns a name, the key is shown.
MaterialNamer = Callable[[HttpRequest, dict[str, str], str], str | None]
MATERIAL_NAMERS: list[MaterialNamer] = []

NOTHING_SAVED = _(
    "Nothing from this request was saved: once this is corrected, send all its files "
    "again."
)


class FileNameTooLong(InvalidInput):
    """An upload whose file name has more than MAX_FILE_NAME_LENGTH characters."""

    code = "upload.name_too_long"
    message = _(
        "The name of the file %(name)s for %(material)s is %(length)s characters long; "
        "the limit is %(limit)s characters. Rename the file and send it again."
    )


class PartHeaderTooLong(FileNameTooLong):
    """A file part whose headers pass the parser's limit, so that nothing was read."""

    message = _(
        "The name of the file %(name)s for %(material)s is too long: its part's headers "
        "pass the %(limit_bytes)s bytes that the server reads. Rename the file to at most "
        "%(limit)s characters."
    )


class MultipartInvalid(InvalidInput):
    code = "request.multipart_invalid"
    message = _(
        "The multipart/form-data body cannot be read, so nothing from this request was "
        "saved. Check that the Content-Type header names the boundary that separates "
        "the parts, that each part has a Content-Disposition header of at most "
        "%(limit_bytes)s bytes, and send it again."
    )


class RecordingStream:
    """A request stream that keeps the last RECORDED_BYTES bytes that were read."""

    def __init__(self, stream: Any) -> None:
        self.stream = stream
        self.chunks: deque[bytes] = deque()
        self.kept = 0

    def read(self, *args: Any) -> bytes:
        return self._record(self.stream.read(*args))

    def readline(self, *args: Any) -> bytes:
        return self._record(self.stream.readline(*args))

    def recorded(self) -> bytes:
        return b"".join(self.chunks)

    def _record(self, data: bytes) -> bytes:
        self.chunks.append(data)
        self.kept += len(data)
        while self.chunks and self.kept - len(self.chunks[0]) >= RECORDED_BYTES:
            self.kept -= len(self.chunks.popleft())
        return data


def record_multipart_stream(request: HttpRequest) -> None:
    """Make a multipart request keep its last bytes read, for multipart_error()."""
    if request.content_type == "multipart/form-data" and hasattr(request, "_stream"):
        request._stream = cast(BinaryIO, RecordingStream(request._stream))


def multipart_error(request: HttpRequest) -> InvalidInput:
    """Return the error for a multipart body that Django's parser rejected.

    A file part whose headers pass the parser's limit gives PartHeaderTooLong, which
    names its part (`material.<key>` names the material <key>) and the start of its
    file name. Any other failure gives MultipartInvalid.
    """
    stream = getattr(request, "_stream", None)
    boundary = (request.content_params or {}).get("boundary", "")
    if isinstance(stream, RecordingStream) and boundary:
        part = _long_file_part(stream.recorded(), boundary.encode("ascii", "replace"))
        if part is not None:
            field, name = part
            material = field.removeprefix("material.")
            fields = _text_parts(stream.recorded())
            error = PartHeaderTooLong(
                name=echoed(name),
                material=_material_name(request, fields, material),
                material_key=material,
                limit=MAX_FILE_NAME_LENGTH,
                limit_bytes=MAX_TOTAL_HEADER_SIZE,
            )
            error.message = format_lazy("{} {}", error.message, NOTHING_SAVED)
            return error
    return MultipartInvalid(limit_bytes=MAX_TOTAL_HEADER_SIZE)


def _material_name(request: HttpRequest, fields: dict[str, str], key: str) -> str:
    for namer in MATERIAL_NAMERS:
        name = namer(request, fields, key)
        if name:
            return name
    return key


# A short text part: its name and a value of at most 200 bytes, which is enough for
# the centre and matter parts of an application.
_TEXT_PART = re.compile(
    rb'Content-Disposition: form-data; name="([^"]{1,80})"\r\n'
    rb"(?:[^\r\n]+\r\n)*\r\n([^\r\n]{0,200})\r\n--",
    re.IGNORECASE,
)


def _text_parts(data: bytes) -> dict[str, str]:
    """Return the short text parts found in `data`, the first of each name.

    A part with a file name is not matched, because its Content-Disposition goes on
    after the name.
    """
    parts: dict[str, str] = {}
    for match in _TEXT_PART.finditer(data):
        name = match.group(1).decode("utf-8", "replace")
        parts.setdefault(name, match.group(2).decode("utf-8", "replace"))
    return parts


_FIELD_NAME = re.compile(rb'\bname="([^"]*)"')
_FILE_NAME = re.compile(rb'\bfilename="([^"]*)')
_FILE_NAME_ENCODED = re.compile(rb"\bfilename\*=[A-Za-z0-9_-]*'[^']*'([^;\r\n]*)")


def _long_file_part(data: bytes, boundary: bytes) -> tuple[str, str] | None:
    """Return the field and file name of the first file part in `data` whose headers
    pass MAX_TOTAL_HEADER_SIZE, or None when there is none.

    The headers may be cut at the end of `data`, so the names are read without
    requiring their closing quote.
    """
    delimiter = b"--" + boundary + b"\r\n"
    start = data.find(delimiter)
    while start != -1:
        headers_start = start + len(delimiter)
        headers_end = data.find(b"\r\n\r\n", headers_start)
        if headers_end == -1:
            headers_end = len(data)
        headers = data[headers_start:headers_end]
        if len(headers) + 4 > MAX_TOTAL_HEADER_SIZE:
            field = _FIELD_NAME.search(headers)
            encoded = _FILE_NAME_ENCODED.search(headers)
            plain = _FILE_NAME.search(headers)
            if encoded is not None:
                name = unquote(encoded.group(1).decode("ascii", "replace"))
            elif plain is not None:
                name = plain.group(1).decode("utf-8", "replace")
            else:
                return None
            field_name = field.group(1).decode("utf-8", "replace") if field else ""
            return field_name, name
        start = data.find(delimiter, headers_end)
    return None
