"""Electronic certificate identifiers of GB/T 36904-2018 (电子证照标识).

An identifier reads
`1.2.156.3005.2.<type code>.<issuer code>.<serial>.<version>.<check>`:

- `1.2.156.3005.2`: the fixed object identifier arc of electronic certificates;
- type code (证照类型代码): the USCC of the body that defines the certificate type
  followed by a 3-digit number, 21 characters;
- issuer code (颁发机构代码): the USCC of the issuing body, 18 characters;
- serial (顺序号): the issuer's number for the certificate, digits and capital letters;
- version (版本号): 3 digits, 001 for a first issue;
- check (校验位): ISO 7064 MOD 37,36 over type code + issuer code + serial + version.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from django.db import models
from django.utils.translation import gettext_lazy as _
from stdnum.cn import uscc
from stdnum.iso7064 import mod_37_36

from onestop.core.errors import InvalidInput
from onestop.core.full_width import fold_full_width

PREFIX = "1.2.156.3005.2"
MAX_SERIAL_LENGTH = 40
MAX_VERSION = 999

_TYPE_CODE = re.compile(r"[0-9A-Z]{18}\d{3}")
_SERIAL = re.compile(rf"[0-9A-Z]{{1,{MAX_SERIAL_LENGTH}}}")
_VERSION = re.compile(r"\d{3}")
_CHECK = re.compile(r"[0-9A-Z]")


class IdentifierPart(models.TextChoices):
    """A part of an identifier: its key for details, its label for messages."""

    PREFIX = "prefix", _("prefix")
    PART_COUNT = "part_count", _("number of parts after the prefix")
    TYPE_CODE = "type_code", _("type code")
    ISSUER_CODE = "issuer_code", _("issuer code")
    SERIAL = "serial", _("serial")
    VERSION = "version", _("version")
    CHECK = "check", _("check character")


class IdentifierRule(models.TextChoices):
    """The form a part must have: its key for details, its label for messages."""

    TYPE_CODE_FORM = "uscc_and_3_digits", _("an 18-character USCC followed by 3 digits")
    TYPE_CODE_USCC = (
        "valid_uscc_and_3_digits",
        _("a valid USCC (GB 32100) followed by 3 digits"),
    )
    ISSUER_USCC = "valid_uscc", _("a valid 18-character USCC (GB 32100)")
    SERIAL = "serial_characters", _("1 to %(max)s digits or capital letters")
    VERSION = "3_digits", _("3 digits, 001 to 999")
    CHECK = "check_character", _("one digit or capital letter")


class InvalidCertificateId(InvalidInput):
    """A malformed part: `part` is an IdentifierPart, and `expected` an IdentifierRule
    or the literal value the part must have.
    """

    code = "certificate_id.format"
    message = _(
        "The certificate identifier is invalid: the %(part)s %(value)s should be "
        "%(expected)s. Copy the identifier again from the certificate."
    )

    def message_values(self) -> dict[str, Any]:
        values = super().message_values()
        if self.details.get("expected") == IdentifierRule.SERIAL:
            values["expected"] = values["expected"] % {"max": MAX_SERIAL_LENGTH}
        return values


class CertificateIdCheckFailed(InvalidInput):
    code = "certificate_id.check"
    message = _(
        "The certificate identifier %(identifier)s has the check character %(found)s, "
        "but its other parts give %(expected)s. A character was probably mistyped, so "
        "copy the identifier again from the certificate."
    )


@dataclass(frozen=True)
class CertificateId:
    """The parts of a GB/T 36904 certificate identifier."""

    type_code: str
    issuer_uscc: str
    serial: str
    version: int
    check: str

    @property
    def defining_body_uscc(self) -> str:
        """USCC of the body that defines the type (the first 18 characters)."""
        return self.type_code[:18]

    def __str__(self) -> str:
        return ".".join(
            [
                PREFIX,
                self.type_code,
                self.issuer_uscc,
                self.serial,
                _version_text(self.version),
                self.check,
            ]
        )


def build_identifier(
    type_code: str, issuer_uscc: str, serial: str, version: int | str
) -> str:
    """Build a certificate identifier, computing its check character.

    Raises InvalidCertificateId naming the part that is malformed.
    """
    version_number = _check_version(version)
    _check_parts(type_code, issuer_uscc, serial)

    check = compute_check(type_code, issuer_uscc, serial, version_number)
    return str(CertificateId(type_code, issuer_uscc, serial, version_number, check))


def normalise_identifier(text: str) -> str:
    """Return `text` as an identifier is written: ASCII, upper case, without the
    surrounding spaces.

    Verifiers type identifiers from paper, often in lower case or with a Chinese input
    method's full-width characters, and every part of an identifier is upper case.
    """
    return fold_full_width(text).strip().upper()


def parse_identifier(text: str) -> CertificateId:
    """Split a certificate identifier into its parts and verify its check character.

    The text is read through `normalise_identifier` first, so a lower-case or
    full-width identifier parses as the identifier it stands for.

    Raises InvalidCertificateId (code certificate_id.format) naming the malformed
    part, and CertificateIdCheckFailed (code certificate_id.check) for a wrong check
    character.
    """
    identifier = normalise_identifier(text) if isinstance(text, str) else ""
    if not identifier.startswith(PREFIX + "."):
        raise InvalidCertificateId(
            part=IdentifierPart.PREFIX, value=identifier[: len(PREFIX)], expected=PREFIX
        )

    parts = identifier[len(PREFIX) + 1 :].split(".")
    if len(parts) != 5:
        raise InvalidCertificateId(
            part=IdentifierPart.PART_COUNT,
            value=len(parts),
            expected=5,
        )

    type_code, issuer_uscc, serial, version_text, check = parts
    _check_parts(type_code, issuer_uscc, serial)
    if not _VERSION.fullmatch(version_text):
        raise InvalidCertificateId(
            part=IdentifierPart.VERSION,
            value=version_text,
            expected=IdentifierRule.VERSION,
        )
    version = _check_version(version_text)
    if not _CHECK.fullmatch(check):
        raise InvalidCertificateId(
            part=IdentifierPart.CHECK,
            value=check,
            expected=IdentifierRule.CHECK,
        )

    expected = compute_check(type_code, issuer_uscc, serial, version)
    if check != expected:
        raise CertificateIdCheckFailed(
            identifier=identifier, found=check, expected=expected
        )
    return CertificateId(type_code, issuer_uscc, serial, version, check)


def compute_check(type_code: str, issuer_uscc: str, serial: str, version: int) -> str:
    """Compute the ISO 7064 MOD 37,36 check character over the four coded parts."""
    return mod_37_36.calc_check_digit(
        type_code + issuer_uscc + serial + _version_text(version)
    )


def _check_parts(type_code: str, issuer_uscc: str, serial: str) -> None:
    if not isinstance(type_code, str) or not _TYPE_CODE.fullmatch(type_code):
        raise InvalidCertificateId(
            part=IdentifierPart.TYPE_CODE,
            value=type_code,
            expected=IdentifierRule.TYPE_CODE_FORM,
        )
    if not uscc.is_valid(type_code[:18]):
        raise InvalidCertificateId(
            part=IdentifierPart.TYPE_CODE,
            value=type_code,
            expected=IdentifierRule.TYPE_CODE_USCC,
        )
    if not isinstance(issuer_uscc, str) or not uscc.is_valid(issuer_uscc):
        raise InvalidCertificateId(
            part=IdentifierPart.ISSUER_CODE,
            value=issuer_uscc,
            expected=IdentifierRule.ISSUER_USCC,
        )
    if not isinstance(serial, str) or not _SERIAL.fullmatch(serial):
        raise InvalidCertificateId(
            part=IdentifierPart.SERIAL,
            value=serial,
            expected=IdentifierRule.SERIAL,
        )


def _check_version(version: int | str) -> int:
    is_text = isinstance(version, str) and _VERSION.fullmatch(version) is not None
    number = int(version) if is_text else version
    if (
        isinstance(number, bool)
        or not isinstance(number, int)
        or not 1 <= number <= MAX_VERSION
    ):
        raise InvalidCertificateId(
            part=IdentifierPart.VERSION,
            value=version,
            expected=IdentifierRule.VERSION,
        )
    return number


def _version_text(version: int) -> str:
    return f"{version:03d}"
