"""Identity codes: resident ID numbers, USCCs and phone numbers, and masks for display.

- Resident ID number (公民身份号码), GB 11643-1999: a 6-digit GB/T 2260 birthplace code,
  the birth date as YYYYMMDD, a 3-digit sequence whose parity gives the sex (odd: male)
  and an ISO 7064 MOD 11-2 check character. The legacy 15-digit form has a 2-digit
  year and no check character.
- Unified social credit code (统一社会信用代码), GB 32100-2015: registration authority,
  kind, GB/T 2260 region code, 9-character organisation code and a MOD 31 check
  character, over an alphabet without I, O, Z, S and V.

Error messages show an ID number only masked (`mask_id_number`). A USCC is public and
appears in full, and so does an invalid phone number, because the message goes back
only to the person who typed it. Both are bounded as every value sent (`echoed`).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import date
from typing import Any, Literal

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from onestop.core.errors import InvalidInput, echoed
from onestop.regions.gb2260 import is_known_birthplace

# The length of a first-generation ID number, before the year had four digits.
LEGACY_ID_LENGTH = 15

ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
ID_CHECK_CHARACTERS = "10X98765432"

# The earliest date of birth accepted. A person born earlier would be over 126 in 2026,
# older than any verified human age (122 years), so an earlier date is a typing error.
MIN_BIRTH_DATE = date(1900, 1, 1)

# Address codes of the ID numbers on the residence permits, issued since 2018, for
# residents of Hong Kong (810000), Macao (820000) and Taiwan (830000). The region list
# of python-stdnum has no 830000.
RESIDENCE_PERMIT_REGION_CODES = frozenset({"810000", "820000", "830000"})

USCC_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
USCC_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)

_MOBILE_PATTERN = re.compile(r"1[3-9][0-9]{9}")
# An area code is 010, 020 to 029, or 0 followed by 3 digits starting 3 to 9. A
# subscriber number has 7 or 8 digits and starts with 2 to 9.
_FIXED_LINE_PATTERN = re.compile(
    r"\(?(?P<area>010|02[0-9]|0[3-9][0-9]{2})\)?-?(?P<local>[2-9][0-9]{6,7})"
)
_INTERNATIONAL_PREFIXES = ("+86", "0086")

# The compound surnames (复姓) listed in 百家姓. A name that starts with one keeps
# both characters when masked.
_COMPOUND_SURNAME_TEXT = (
    "万俟 司马 上官 欧阳 夏侯 诸葛 闻人 东方 赫连 皇甫 尉迟 公羊 澹台 公冶 宗政 "
    "濮阳 淳于 单于 太叔 申屠 公孙 仲孙 轩辕 令狐 钟离 宇文 长孙 慕容 鲜于 闾丘 "
    "司徒 司空 亓官 司寇 仉督 子车 颛孙 端木 巫马 公西 漆雕 乐正 壤驷 公良 拓跋 "
    "夹谷 宰父 谷梁 段干 百里 东郭 南门 呼延 归海 羊舌 微生 梁丘 左丘 东门 西门 "
    "南宫 第五"
)
COMPOUND_SURNAMES = frozenset(_COMPOUND_SURNAME_TEXT.split())
# Separators between the parts of a name (阿依古丽·买买提, John Smith) stay visible.
NAME_SEPARATORS = frozenset(" ·•・．.-")


@dataclass(frozen=True, slots=True)
class ResidentId:
    """A valid 18-character resident ID number and the facts it encodes."""

    number: str
    birth_date: date
    sex: Literal["male", "female"]
    region_code: str

    @property
    def masked(self) -> str:
        return mask_id_number(self.number)


@dataclass(frozen=True, slots=True)
class Uscc:
    """A valid unified social credit code split into its fields."""

    code: str
    registration_authority: str
    kind: str
    region_code: str
    organisation_code: str


class InvalidIdNumberLength(InvalidInput):
    code = "id_number.length"
    message = _(
        "An ID number has 18 characters, or 15 digits in the old form, but %(masked)s "
        "has %(length)s. Re-type the number from the ID card."
    )

    def __init__(self, message: Any = None, /, **details: Any) -> None:
        if message is None and details.get("length") == 0:
            message = _ID_NUMBER_MISSING
        super().__init__(message, **details)


class InvalidIdNumberAlphabet(InvalidInput):
    code = "id_number.alphabet"
    message = _(
        "An ID number contains only digits, with X allowed as the last character, but "
        "%(masked)s has “%(character)s” at position %(position)s. Re-type the number "
        "from the ID card."
    )


class IdNumberCheckDigitMismatch(InvalidInput):
    code = "id_number.check_digit"
    message = _(
        "The check digit of ID number %(masked)s does not match its other digits, so a "
        "digit was probably mistyped. Re-type the number from the ID card."
    )


class InvalidIdNumberDate(InvalidInput):
    code = "id_number.date"
    message = _(
        "ID number %(masked)s does not contain a valid date of birth. Re-type the "
        "number from the ID card."
    )

    def __init__(self, message: Any = None, /, **details: Any) -> None:
        """Choose the message from the details: `earliest` for a date of birth before
        it, `latest` for one after it, neither for a date that does not exist."""
        if message is None and "earliest" in details:
            message = _BIRTH_DATE_TOO_EARLY
        elif message is None and "latest" in details:
            message = _BIRTH_DATE_IN_FUTURE
        super().__init__(message, **details)


class UnknownIdNumberRegion(InvalidInput):
    code = "id_number.region"
    message = _(
        "The first 6 digits of ID number %(masked)s are not a region code, current or "
        "historical. Re-type the number from the ID card."
    )


class InvalidUsccLength(InvalidInput):
    code = "uscc.length"
    message = _(
        "A unified social credit code has 18 characters, but “%(value)s” has "
        "%(length)s. Re-type the code from the business licence or registration "
        "certificate."
    )

    def __init__(self, message: Any = None, /, **details: Any) -> None:
        if message is None and details.get("length") == 0:
            message = _USCC_MISSING
        super().__init__(message, **details)


class InvalidUsccAlphabet(InvalidInput):
    code = "uscc.alphabet"
    message = _(
        "A unified social credit code contains only digits and the capital letters "
        "other than I, O, Z, S and V, but “%(value)s” has “%(character)s” at position "
        "%(position)s. Re-type the code from the business licence or registration "
        "certificate."
    )


class UsccCheckCharacterMismatch(InvalidInput):
    code = "uscc.check_character"
    message = _(
        "The last character of unified social credit code “%(value)s” does not match "
        "the other 17, so a character was probably mistyped. Re-type the code from the "
        "business licence or registration certificate."
    )


class InvalidPhone(InvalidInput):
    code = "phone.invalid"
    message = _(
        "“%(value)s” is not a valid phone number. Enter an 11-digit mobile number such "
        "as 13812345678, or a fixed-line number with its area code such as "
        "0757-83331234."
    )

    def __init__(self, message: Any = None, /, **details: Any) -> None:
        if message is None and details.get("value") == "":
            message = _PHONE_MISSING
        super().__init__(message, **details)


_ID_NUMBER_MISSING = _("Enter the 18-character ID number from the ID card.")
_USCC_MISSING = _(
    "Enter the 18-character unified social credit code from the business licence or "
    "registration certificate."
)
_PHONE_MISSING = _(
    "Enter a phone number: an 11-digit mobile number such as 13812345678, or a "
    "fixed-line number with its area code such as 0757-83331234."
)
_LEGACY_ID_UPGRADED = _(
    "The 15-digit ID number %(legacy)s was converted to its 18-character form "
    "%(masked)s, which is stored and used from now on. First-generation cards with 15 "
    "digits are no longer valid, so check the number against the current ID card."
)
_BIRTH_DATE_TOO_EARLY = _(
    "The date of birth in ID number %(masked)s is before %(earliest)s, the earliest "
    "date accepted. Re-type the number from the ID card."
)
_BIRTH_DATE_IN_FUTURE = _(
    "The date of birth in ID number %(masked)s is in the future. Re-type the number "
    "from the ID card."
)


def legacy_id_notice(value: str) -> str:
    """Return a notice that a valid 15-digit ID number was stored in its 18-character form.

    Return "" for any other value, which `parse_resident_id` stores as entered or rejects.
    Both numbers are shown masked.
    """
    text = _normalise(value)
    if len(text) != LEGACY_ID_LENGTH:
        return ""
    try:
        resident = parse_resident_id(text)
    except InvalidInput:
        return ""
    return str(_LEGACY_ID_UPGRADED) % {
        "legacy": mask_id_number(text),
        "masked": resident.masked,
    }


def parse_resident_id(value: str, *, today: date | None = None) -> ResidentId:
    """Validate a resident ID number and return it in its 18-character form.

    Whitespace is removed, full-width characters are narrowed and x is upper-cased. A
    15-digit legacy number is upgraded by inserting 19 before its year and appending the
    check digit. The rules are checked in this order, each with its own error: length,
    alphabet, date of birth (a real date, not after `today`, default the current date in
    the project time zone), birthplace code (current or historical), check digit.
    """
    text = _normalise(value)
    _check_id_length(text)
    _check_id_alphabet(text)

    number = text if len(text) == 18 else _upgrade_legacy(text)
    masked = mask_id_number(text)
    birth_date = _check_birth_date(number, masked, today or timezone.localdate())
    _check_birthplace(number[:6], masked)

    if number[17] != id_check_digit(number[:17]):
        raise IdNumberCheckDigitMismatch(masked=masked)

    return ResidentId(
        number=number,
        birth_date=birth_date,
        sex="male" if int(number[16]) % 2 else "female",
        region_code=number[:6],
    )


def id_check_digit(first_17_digits: str) -> str:
    """Compute the ISO 7064 MOD 11-2 check character of the first 17 digits."""
    total = sum(int(d) * w for d, w in zip(first_17_digits, ID_WEIGHTS, strict=True))
    return ID_CHECK_CHARACTERS[total % 11]


def parse_uscc(value: str) -> Uscc:
    """Validate a unified social credit code and split it into its fields.

    Whitespace is removed, full-width characters are narrowed and letters are
    upper-cased. The region and organisation code fields are not checked on their own.
    """
    code = _normalise(value)
    if not code:
        raise InvalidUsccLength(value=code, length=0)
    if len(code) != 18:
        raise InvalidUsccLength(value=echoed(code), length=len(code))

    for position, character in enumerate(code, start=1):
        if character not in USCC_ALPHABET:
            raise InvalidUsccAlphabet(
                value=code, character=character, position=position
            )

    if code[17] != uscc_check_character(code[:17]):
        raise UsccCheckCharacterMismatch(value=echoed(code))

    return Uscc(
        code=code,
        registration_authority=code[0],
        kind=code[1],
        region_code=code[2:8],
        organisation_code=code[8:17],
    )


def uscc_check_character(first_17_characters: str) -> str:
    """Compute the GB 32100-2015 check character of the first 17 characters."""
    values = (USCC_ALPHABET.index(c) for c in first_17_characters)
    total = sum(v * w for v, w in zip(values, USCC_WEIGHTS, strict=True))
    return USCC_ALPHABET[(31 - total % 31) % 31]


def check_phone(value: str) -> str:
    """Validate a mainland phone number and return it normalised.

    A mobile number (11 digits starting 13 to 19, optionally after +86 or 0086) comes
    back as its 11 digits. A fixed-line number needs its area code, with or without a
    hyphen or brackets, and comes back as "0757-83331234". Extensions are not accepted.
    """
    text = _normalise(value)
    if not text:
        raise InvalidPhone(value=text)

    mobile = _strip_international_prefix(text).replace("-", "")
    if _MOBILE_PATTERN.fullmatch(mobile):
        return mobile

    fixed_line = _FIXED_LINE_PATTERN.fullmatch(text)
    if fixed_line:
        return f"{fixed_line['area']}-{fixed_line['local']}"
    # The caller sees the whole value they typed, so they can find the mistake. The
    # API logs only the error code, never the details.
    raise InvalidPhone(value=echoed(text))


def mask_id_number(number: str) -> str:
    """Keep the first 4 and the last 4 characters and replace the others with *."""
    if len(number) <= 8:
        return "*" * len(number)
    return number[:4] + "*" * (len(number) - 8) + number[-4:]


def mask_phone(phone: str) -> str:
    """Hide the middle of a phone number: 138****1234, 0757-****1234.

    A value that is no valid phone number keeps only its first 3 and last 4 characters,
    and one shorter than 8 characters is hidden completely.
    """
    text = _normalise(phone)

    mobile = _strip_international_prefix(text).replace("-", "")
    if _MOBILE_PATTERN.fullmatch(mobile):
        return mobile[:3] + "****" + mobile[-4:]

    fixed_line = _FIXED_LINE_PATTERN.fullmatch(text)
    if fixed_line:
        local = fixed_line["local"]
        return f"{fixed_line['area']}-" + "*" * (len(local) - 4) + local[-4:]

    if len(text) < 8:
        return "*" * len(text)
    return text[:3] + "*" * (len(text) - 7) + text[-4:]


def mask_name(name: str) -> str:
    """Keep the surname and replace each other character with *: 张*, 欧阳**.

    A name that starts with a compound surname (欧阳, 司马, ...) and has more than two
    characters keeps both. Separators such as the middle dot stay visible, and a
    character followed by a combining mark or a variation selector counts as one.
    NOTE: a name such as 东方红 whose surname is 东 also keeps two characters.
    """
    characters = _user_perceived_characters(name.strip())
    if len(characters) <= 1:
        return "*" * len(characters)

    surname_length = 1
    if len(characters) > 2 and "".join(characters[:2]) in COMPOUND_SURNAMES:
        surname_length = 2

    given_name = characters[surname_length:]
    hidden = [c if c in NAME_SEPARATORS else "*" for c in given_name]
    return "".join(characters[:surname_length] + hidden)


def _normalise(value: str) -> str:
    narrow = unicodedata.normalize("NFKC", value)
    return "".join(narrow.split()).upper()


def _check_id_length(text: str) -> None:
    if not text:
        raise InvalidIdNumberLength(masked=text, length=0)
    if len(text) not in (15, 18):
        raise InvalidIdNumberLength(masked=mask_id_number(text), length=len(text))


def _check_id_alphabet(text: str) -> None:
    digits = text[:17] if len(text) == 18 else text
    for position, character in enumerate(digits, start=1):
        if not _is_ascii_digit(character):
            _raise_alphabet(text, character, position)

    if len(text) == 18 and not (_is_ascii_digit(text[17]) or text[17] == "X"):
        _raise_alphabet(text, text[17], 18)


def _raise_alphabet(text: str, character: str, position: int) -> None:
    raise InvalidIdNumberAlphabet(
        masked=mask_id_number(text), character=character, position=position
    )


def _is_ascii_digit(character: str) -> bool:
    return "0" <= character <= "9"


def _upgrade_legacy(digits_15: str) -> str:
    first_17 = digits_15[:6] + "19" + digits_15[6:]
    return first_17 + id_check_digit(first_17)


def _check_birth_date(number: str, masked: str, today: date) -> date:
    try:
        birth_date = date(int(number[6:10]), int(number[10:12]), int(number[12:14]))
    except ValueError:
        raise InvalidIdNumberDate(masked=masked) from None

    if birth_date < MIN_BIRTH_DATE:
        raise InvalidIdNumberDate(masked=masked, earliest=MIN_BIRTH_DATE.isoformat())
    if birth_date > today:
        raise InvalidIdNumberDate(masked=masked, latest=today.isoformat())
    return birth_date


def _check_birthplace(region_code: str, masked: str) -> None:
    if region_code in RESIDENCE_PERMIT_REGION_CODES:
        return
    if not is_known_birthplace(region_code):
        raise UnknownIdNumberRegion(masked=masked)


def _strip_international_prefix(text: str) -> str:
    for prefix in _INTERNATIONAL_PREFIXES:
        if text.startswith(prefix):
            return text.removeprefix(prefix).lstrip("-")
    return text


def _user_perceived_characters(text: str) -> list[str]:
    """Split text into characters, keeping combining marks with their base character."""
    clusters: list[str] = []
    for character in text:
        if clusters and (
            _extends_previous(character) or clusters[-1].endswith("\u200d")
        ):
            clusters[-1] += character
        else:
            clusters.append(character)
    return clusters


def _extends_previous(character: str) -> bool:
    # Combining marks and the variation selectors of ideographic variation sequences
    # (U+FE00-U+FE0F, U+E0100-U+E01EF) are all in the Unicode categories M*.
    return (
        unicodedata.category(character) in ("Mn", "Mc", "Me") or character == "\u200d"
    )
