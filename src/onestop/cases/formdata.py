"""Validation of a matter's application form, which is defined as data in the matter version.

Every field is checked and every error is reported at once, keyed by field, so that a page can
show each message beside its field. Patterns are regular expressions matched with `re.fullmatch`;
nothing from configuration is ever evaluated as code.
"""

from __future__ import annotations

import datetime
import re
import unicodedata
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from onestop.core.errors import (
    InvalidInput,
    OneStopError,
    choices_text,
    code_point_text,
    shown,
)
from onestop.core.json_input import JsonNumber
from onestop.core.schema_errors import json_type_label, json_type_name
from onestop.identity.codes import check_phone, parse_resident_id, parse_uscc

DEFAULT_MAX_LENGTH = {"text": 200, "textarea": 2000, "address": 200, "email": 254}
# Integer and decimal fields take at most 15 digits before the decimal point, so values
# stay below 10^15, where every integer is exact in a double. Decimal fields take at most
# `decimal_places` decimal places, 2 (the fen of a yuan) unless the field sets it.
MAX_INTEGER_DIGITS = 15
DEFAULT_DECIMAL_PLACES = 2
PLAIN_NUMBER = re.compile(r"[+-]?[0-9]+(?:\.[0-9]+)?")
INTEGER_NOT_PLAIN = gettext_lazy(
    "%(label)s must be a whole number written with the digits 0-9, such as 12, not "
    "%(value)s. Exponents (1e5), NaN, Infinity and thousands separators are not "
    "accepted."
)
DECIMAL_NOT_PLAIN = gettext_lazy(
    "%(label)s must be a number written with the digits 0-9 and at most one decimal "
    "point, such as 1250.50, not %(value)s. Exponents (1e5), NaN, Infinity and "
    "thousands separators are not accepted."
)
# Field types whose value may come as a JSON number as well as text.
NUMBER_TYPES = frozenset({"integer", "decimal", "select"})


class FormInvalid(InvalidInput):
    code = "form.invalid"
    message = gettext_lazy("Correct these fields of the form: %(summary)s")


class FormInvalidMaterialsMissing(FormInvalid):
    """Invalid form fields and missing required materials, reported in one notice."""

    message = gettext_lazy(
        "Correct these fields of the form: %(summary)s These required materials are "
        "missing too: %(materials)s. Provide each of them."
    )


@dataclass(frozen=True)
class FormOwner:
    """Whose own data the marked fields of a form must hold.

    `id_number` and `name` are the applicant's; `enterprise_uscc` and `enterprise_name`
    are those of the registered enterprise the applicant applies for, or None when they
    apply for themself. A None value is not compared.
    """

    id_number: str | None = None
    name: str | None = None
    enterprise_uscc: str | None = None
    enterprise_name: str | None = None

    @classmethod
    def of(cls, person: Any, enterprise: Any = None) -> FormOwner:
        """Return the owner of a form filed by `person`, for `enterprise` if given."""
        return cls(
            id_number=person.id_number,
            name=person.name,
            enterprise_uscc=enterprise.uscc if enterprise is not None else None,
            enterprise_name=enterprise.name if enterprise is not None else None,
        )


def check_form_data(
    fields: list[dict[str, Any]],
    data: dict[str, Any],
    *,
    owner: FormOwner | None = None,
) -> dict[str, Any]:
    """Return the cleaned values of `data`, or raise FormInvalid listing every error.

    A field marked `applicant_id` expects the owner's own ID number, compared in its
    18-character form, and one marked `applicant_name` the registered name, compared
    after trimming. Fields marked `enterprise_uscc` and `enterprise_name` likewise
    expect the code and registered name of the enterprise applied for.
    """
    cleaned: dict[str, Any] = {}
    errors: dict[str, str] = {}
    known = {field["key"] for field in fields}
    for key in data:
        if key not in known:
            errors[str(key)[:60]] = _("%(key)s is not a field of this form.") % {
                "key": key
            }

    for field in fields:
        key = field["key"]
        raw = data.get(key)
        if not _is_scalar_for(field, raw):
            errors[key] = _("%(label)s must be text, not a JSON %(type)s.") % {
                "label": field["label"],
                "type": json_type_label(json_type_name(raw)),
            }
            continue
        text = "" if raw is None else _text_of(raw).strip()
        if not text:
            if field.get("required"):
                errors[key] = _("%(label)s is required.") % {"label": field["label"]}
            continue
        try:
            cleaned[key] = _clean_value(field, text)
            _check_owner_value(field, cleaned[key], owner or FormOwner())
        except FieldError as error:
            errors[key] = str(error)

    if errors:
        labels = {field["key"]: str(field["label"]) for field in fields}
        summary = " ".join(
            _summary_line(labels.get(key), message) for key, message in errors.items()
        )
        raise FormInvalid(
            count=len(errors),
            summary=summary,
            fields=errors,
            **_select_choices(fields, errors),
        )
    return cleaned


def _select_choices(
    fields: list[dict[str, Any]], errors: dict[str, str]
) -> dict[str, dict[str, list[str]]]:
    """Return `choices`, the values of each select field in `errors`, for the details."""
    choices = {
        field["key"]: [str(choice["value"]) for choice in field.get("choices") or []]
        for field in fields
        if field.get("type") == "select" and field["key"] in errors
    }
    return {"choices": choices} if choices else {}


# Form field marks that ask for the owner's own data: the FormOwner attribute each is
# compared with, and the message when the value differs. The messages name the field,
# the rule and the value sent, never the owner's ID number or name. An enterprise's
# code and registered name are public, so its messages name the expected value too.
OWNER_MARKS = (
    (
        "applicant_id",
        "id_number",
        gettext_lazy(
            "%(label)s must be the applicant's own ID number. Enter the ID number of "
            "the person who applies."
        ),
    ),
    (
        "applicant_name",
        "name",
        gettext_lazy(
            "%(label)s is %(value)s, but it must be the applicant's own name as on "
            "their resident ID card. Enter the name of the person who applies."
        ),
    ),
    (
        "enterprise_uscc",
        "enterprise_uscc",
        gettext_lazy(
            "%(label)s is %(value)s, but the enterprise you apply for has the code "
            "%(expected)s. Enter its unified social credit code, or choose the "
            "enterprise that %(value)s belongs to."
        ),
    ),
    (
        "enterprise_name",
        "enterprise_name",
        gettext_lazy(
            "%(label)s is %(value)s, but the registered name of the enterprise you "
            "apply for is %(expected)s. Enter the name as on its business licence."
        ),
    ),
)


def _check_owner_value(field: dict[str, Any], value: Any, owner: FormOwner) -> None:
    """Reject a value other than the owner's in a field marked for it.

    A result such as an ID card or a licence goes to the applicant or the enterprise
    applied for, so the form must not name someone else as the one who applies.
    """
    for mark, attribute, message in OWNER_MARKS:
        expected = getattr(owner, attribute)
        if not field.get(mark) or expected is None:
            continue
        sent, owned = _comparable(attribute, value), _comparable(attribute, expected)
        if sent != owned and attribute in ("name", "enterprise_name"):
            _check_same_code_points(field, sent, owned)
        if sent != owned:
            raise FieldError(
                str(message)
                % {
                    "label": field["label"],
                    "value": shown(str(value)),
                    "expected": expected,
                }
            )


def _comparable(attribute: str, value: Any) -> str:
    """Return `value` in the form in which an owner's data is compared."""
    if attribute == "id_number":
        return _normalised_id_number(str(value))
    if attribute == "enterprise_uscc":
        return str(value).strip().upper()
    return str(value).strip()


def _check_same_code_points(field: dict[str, Any], sent: str, owned: str) -> None:
    """Reject a name that equals the owner's only after Unicode normalisation (NFC).

    Such a name looks the same but writes a character with another code point, such as
    丽 U+4E3D for the compatibility ideograph 丽 U+2F800 of a registered name. A name
    keeps the code points of the ID card or licence, so the message names both.
    """
    if unicodedata.normalize("NFC", sent) != unicodedata.normalize("NFC", owned):
        return
    differences = [
        (index, a, b)
        for index, (a, b) in enumerate(zip(sent, owned, strict=False))
        if a != b
    ]
    if not differences:
        return
    position, sent_character, owned_character = differences[0]
    raise FieldError(
        _(
            "%(label)s writes character %(position)s as %(sent)s, but the registered "
            "name has %(registered)s there. The two look alike, and the name must "
            "keep the characters of the registration. Use the prefilled name."
        )
        % {
            "label": field["label"],
            "position": position + 1,
            "sent": _named_code_point(sent_character),
            "registered": _named_code_point(owned_character),
        }
    )


def _named_code_point(character: str) -> str:
    return f"“{character}” {code_point_text(character)}"


def _normalised_id_number(number: str) -> str:
    """Return the 18-character form of a stored ID number, which registration checked."""
    try:
        return parse_resident_id(number).number
    except OneStopError:
        return number.strip().upper()


def _summary_line(label: str | None, message: str) -> str:
    """Start a field's line of the summary with its label, as the form displays it.

    Most messages already start with the label. A field the form does not have has no
    label, and its message names the key that was sent.
    """
    if label is None or message.startswith(label):
        return message
    return _("%(label)s: %(message)s") % {"label": label, "message": message}


class FieldError(Exception):
    pass


def _text_of(raw: Any) -> str:
    """Return a sent value as text: a JSON number as it was written, so that no digit
    of a decimal is lost to a float's precision.
    """
    return raw.text if isinstance(raw, JsonNumber) else str(raw)


def _is_scalar_for(field: dict[str, Any], raw: Any) -> bool:
    """Tell whether a value sent for the field has a JSON type the field accepts.

    Every field takes text (or null for empty). Numbers are accepted only by number and
    choice fields, so that a list, an object or true never turns into its Python text.
    """
    if raw is None or isinstance(raw, str):
        return True
    if isinstance(raw, bool) or not isinstance(raw, int | float):
        return False
    return field.get("type", "text") in NUMBER_TYPES


def _clean_value(field: dict[str, Any], text: str) -> Any:
    kind = field.get("type", "text")
    label = field["label"]
    max_length = field.get("max_length") or DEFAULT_MAX_LENGTH.get(kind)
    if max_length and len(text) > int(max_length):
        raise FieldError(
            _("%(label)s has %(length)s characters; the maximum is %(max)s.")
            % {"label": label, "length": len(text), "max": max_length}
        )

    value: Any = text
    if kind in ("integer", "decimal"):
        value = _number(field, text)
    elif kind == "date":
        value = _date(label, text)
    elif kind == "select":
        choices = field.get("choices") or []
        if text not in [str(choice["value"]) for choice in choices]:
            raise FieldError(
                _(
                    "%(value)s is not one of the choices of %(label)s. Send one of "
                    "these values: %(choices)s."
                )
                % {
                    "value": text[:40],
                    "label": label,
                    "choices": choices_text(
                        (str(choice["value"]), choice["label"]) for choice in choices
                    ),
                }
            )
    elif kind in ("phone", "id_number", "uscc"):
        value = _identity_code(kind, text)
    elif kind == "email" and not re.fullmatch(r"[^@\s]+@[^@\s]+\.[^@\s]+", text):
        raise FieldError(
            _("%(label)s is not a valid e-mail address.") % {"label": label}
        )

    pattern = field.get("pattern")
    if pattern and not re.fullmatch(pattern, str(value)):
        raise FieldError(
            _("%(label)s does not have the required format.") % {"label": label}
            + (" " + str(field["help"]) if field.get("help") else "")
        )
    return value


def _number(field: dict[str, Any], text: str) -> int | str:
    """Return an integer field's value as an int and a decimal field's as plain text.

    Full-width digits, sign and point (１２．５) are read after NFKC normalisation. Only
    the digits 0-9, a sign and one decimal point are accepted: Decimal() alone would
    also take exponents (1E+400), NaN, Infinity, underscores and other scripts' digits.
    """
    label = field["label"]
    integer = field.get("type") == "integer"
    plain = unicodedata.normalize("NFKC", text).strip()
    if not PLAIN_NUMBER.fullmatch(plain):
        not_plain = INTEGER_NOT_PLAIN if integer else DECIMAL_NOT_PLAIN
        raise FieldError(not_plain % {"label": label, "value": text[:40]})

    whole, _point, fraction = plain.lstrip("+-").partition(".")
    digits = len(whole.lstrip("0"))
    if digits > MAX_INTEGER_DIGITS:
        raise FieldError(
            _(
                "%(label)s is %(value)s, which has %(digits)s digits before the "
                "decimal point; the maximum is %(max)s."
            )
            % {
                "label": label,
                "value": text[:40],
                "digits": digits,
                "max": MAX_INTEGER_DIGITS,
            }
        )
    number = Decimal(plain)
    if integer and number != number.to_integral_value():
        raise FieldError(_("%(label)s must be a whole number.") % {"label": label})
    places = len(fraction.rstrip("0"))
    max_places = field.get("decimal_places", DEFAULT_DECIMAL_PLACES)
    if not integer and places > max_places:
        raise FieldError(
            _(
                "%(label)s is %(value)s, which has %(places)s decimal places; the "
                "maximum is %(max)s."
            )
            % {"label": label, "value": text[:40], "places": places, "max": max_places}
        )

    for bound, compare, message in (
        (
            "min",
            number.__lt__,
            _("%(label)s is %(value)s; it must be at least %(bound)s."),
        ),
        (
            "max",
            number.__gt__,
            _("%(label)s is %(value)s; it must be at most %(bound)s."),
        ),
    ):
        if field.get(bound) is not None and compare(Decimal(str(field[bound]))):
            raise FieldError(
                message % {"label": label, "value": text[:40], "bound": field[bound]}
            )
    return int(number) if integer else str(number)


def _date(label: str, text: str) -> str:
    try:
        return datetime.date.fromisoformat(text).isoformat()
    except ValueError:
        raise FieldError(
            _("%(label)s must be a date in the form YYYY-MM-DD, not %(value)s.")
            % {"label": label, "value": text[:20]}
        ) from None


def _identity_code(kind: str, text: str) -> str:
    try:
        if kind == "phone":
            return check_phone(text) or text
        if kind == "id_number":
            return parse_resident_id(text).number
        return parse_uscc(text).code
    except OneStopError as error:
        raise FieldError(error.render()) from None


def display_value(field: dict[str, Any], value: Any) -> Any:
    """Return a form value as people read it: a select's choice label for its code.

    The form data keeps the code, while pages and certificate faces show the label as
    the pack writes it. A value that no choice has is returned unchanged.
    """
    if field.get("type") != "select" or value in ("", None):
        return value
    for choice in field.get("choices") or []:
        if isinstance(choice, dict) and str(choice.get("value")) == str(value):
            return str(choice.get("label", value))
    return value
