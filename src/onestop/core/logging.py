"""Structured logging: static event names, ids as fields, never personal data."""

from __future__ import annotations

import logging
import re
import unicodedata
from typing import Any

import structlog
from structlog.typing import EventDict, WrappedLogger

from onestop.core.errors import InvalidInput
from onestop.core.full_width import fold_full_width
from onestop.identity.codes import mask_id_number, mask_phone, parse_resident_id

# Resident ID numbers (18 characters, or the 15-digit legacy form) and mainland mobile numbers.
# A value that slips into a log field by mistake is masked before it is written.
_PERSONAL_PATTERNS = [
    re.compile(
        r"(?<![0-9A-Za-z])([1-9]\d{5})(\d{8}|\d{5})(\d{3}[0-9Xx]|\d{2})(?![0-9A-Za-z])"
    ),
    re.compile(r"(?<!\d)(1[3-9]\d)(\d{4})(\d{4})(?!\d)"),
]
# Tokens that are identifiers, not personal data, and that may hold a digit run shaped
# like a mobile number or an ID number:
# - a GB/T 36904 certificate identifier (type code, issuer code, serial, version, check
#   character), also a malformed one with a part too short or a wrong check character.
#   Its issuer code is a credit code, which may be all digits like an ID number.
# - a UUID, and a hex digest or a UUID in hex (32, 40, 64 or 128 hex digits, at least
#   one of them a letter), such as the request id.
_CERTIFICATE_PREFIX = "1.2.156.3005.2."
_IDENTIFIER_TOKEN = re.compile(
    r"(?<![0-9A-Za-z.])1\.2\.156\.3005\.2(?:\.[0-9A-Za-z]+)+(?![0-9A-Za-z])"
    r"|(?<![0-9A-Za-z-])[0-9a-fA-F]{8}(?:-[0-9a-fA-F]{4}){3}-[0-9a-fA-F]{12}"
    r"(?![0-9A-Za-z-])"
    r"|(?<![0-9A-Za-z])(?=[0-9]*[a-fA-F])"
    r"(?:[0-9a-fA-F]{128}|[0-9a-fA-F]{64}|[0-9a-fA-F]{40}|[0-9a-fA-F]{32})"
    r"(?![0-9A-Za-z])"
)


def mask_personal_text(text: str) -> str:
    """Mask anything that looks like an ID number or a mobile number in free text.

    Certificate identifiers, UUIDs and hex digests stay readable. A part of a
    certificate identifier that is a valid resident ID number (check digit, date of
    birth and birthplace) is masked all the same.
    """
    pieces = []
    position = 0
    for match in _IDENTIFIER_TOKEN.finditer(text):
        pieces.append(_mask_patterns(text[position : match.start()]))
        pieces.append(_mask_identifier(match.group()))
        position = match.end()
    pieces.append(_mask_patterns(text[position:]))
    return "".join(pieces)


# An ID number or a mobile number as people type it into a search box or a URL, after
# full-width characters are folded. White space may separate any two digits, because
# the case lookup drops it (`normalise_case_number`).
_SPACE = r"\s*"
_TYPED_PERSONAL_NUMBER = re.compile(
    rf"(?<![0-9A-Za-z])[1-9](?:{_SPACE}[0-9]){{14}}"
    rf"(?:(?:{_SPACE}[0-9]){{2}}{_SPACE}[0-9Xx])?(?![0-9A-Za-z])"
    rf"|(?<![0-9])1{_SPACE}[3-9](?:{_SPACE}[0-9]){{9}}(?![0-9])"
)


def mask_typed_personal_text(text: str) -> str:
    """Mask ID numbers and mobile numbers in `text` also in the forms people type.

    Besides what `mask_personal_text` masks, this masks numbers written with full-width
    digits (４４０６…) or with white space between the digits, which the case lookup
    reads as the same number. Text around a number is returned as it was, full-width
    characters included. Logs and echoed lookup values use it.
    """
    folded = fold_full_width(text)
    # Folding maps each character to one character, so a position in `folded` is the
    # same position in `text`.
    pieces = []
    position = 0
    for match in _IDENTIFIER_TOKEN.finditer(folded):
        segment = slice(position, match.start())
        pieces.append(_mask_typed_numbers(text[segment], folded[segment]))
        masked = _mask_identifier(match.group())
        unchanged = masked == match.group()
        pieces.append(text[match.start() : match.end()] if unchanged else masked)
        position = match.end()
    pieces.append(_mask_typed_numbers(text[position:], folded[position:]))
    return "".join(pieces)


def _mask_typed_numbers(text: str, folded: str) -> str:
    pieces = []
    position = 0
    for match in _TYPED_PERSONAL_NUMBER.finditer(folded):
        pieces.append(text[position : match.start()])
        number = "".join(match.group().split())
        is_mobile = len(number) == 11
        pieces.append(mask_phone(number) if is_mobile else mask_id_number(number))
        position = match.end()
    pieces.append(text[position:])
    # The patterns of `mask_personal_text` also match a few other digit runs, such as
    # 16 digits, which stay masked here too.
    return _mask_patterns("".join(pieces))


def _mask_identifier(token: str) -> str:
    if not token.startswith(_CERTIFICATE_PREFIX):
        return token
    parts = token.split(".")
    return ".".join(
        _mask_patterns(part) if _is_resident_id(part) else part for part in parts
    )


# Spaces and dashes between two digits, as in "4406 0419 …" or "138-0013-8000". An "X"
# that ends an ID number counts as a digit here.
_DIGIT_SEPARATORS = re.compile(
    r"(?<=[0-9])[\s\-\u2010-\u2015\u2212]+(?=[0-9]|[Xx](?![0-9A-Za-z]))"
)


def find_personal_number(text: str) -> str | None:
    """Return the first ID number or mobile number in `text`, or None.

    The number is masked as pages and messages mask it (`mask_id_number`, `mask_phone`).

    Unlike `mask_personal_text`, this also finds numbers written with full-width or
    other non-ASCII decimal digits, or with spaces or hyphens between the digits.
    Certificate identifiers, UUIDs and hex digests pass as they do in
    `mask_personal_text`.
    """
    normalised = _DIGIT_SEPARATORS.sub("", _without_identifiers(_ascii_digits(text)))
    id_pattern, mobile_pattern = _PERSONAL_PATTERNS
    match = id_pattern.search(normalised)
    if match:
        return mask_id_number(match.group())
    match = mobile_pattern.search(normalised)
    return mask_phone(match.group()) if match else None


def _ascii_digits(text: str) -> str:
    # NFKC turns full-width and circled digits into ASCII digits, but it leaves other
    # decimal digits (Arabic-Indic, Devanagari, ...) as they are.
    return "".join(
        str(unicodedata.decimal(char)) if char.isdecimal() else char
        for char in unicodedata.normalize("NFKC", text)
    )


def _without_identifiers(text: str) -> str:
    # "|" keeps the digits on either side of a removed identifier apart. An identifier
    # that contains a resident ID number stays, so that the number is found.
    return _IDENTIFIER_TOKEN.sub(
        lambda m: m.group() if _mask_identifier(m.group()) != m.group() else "|", text
    )


def _mask_patterns(text: str) -> str:
    # Logs mask a number with the functions that pages and messages use, so one number
    # reads the same everywhere: 4406**********0024 and 138****8000.
    id_pattern, mobile_pattern = _PERSONAL_PATTERNS
    text = id_pattern.sub(lambda m: mask_id_number(m.group()), text)
    return mobile_pattern.sub(lambda m: mask_phone(m.group()), text)


def _is_resident_id(code: str) -> bool:
    try:
        parse_resident_id(code)
    except InvalidInput:
        return False
    return True


def _mask_personal_data(
    _logger: WrappedLogger, _method: str, event: EventDict
) -> EventDict:
    for key, value in event.items():
        if isinstance(value, str):
            event[key] = mask_typed_personal_text(value)
    return event


def configure_structlog() -> None:
    structlog.configure(
        processors=[
            structlog.contextvars.merge_contextvars,
            structlog.stdlib.add_log_level,
            structlog.processors.TimeStamper(fmt="iso", utc=True),
            structlog.processors.format_exc_info,
            _mask_personal_data,
            structlog.processors.KeyValueRenderer(
                key_order=["timestamp", "level", "event"], sort_keys=True
            ),
        ],
        logger_factory=structlog.stdlib.LoggerFactory(),
        wrapper_class=structlog.make_filtering_bound_logger(logging.INFO),
        cache_logger_on_first_use=True,
    )


def get_logger(name: str) -> Any:
    return structlog.get_logger(name)
