"""Validation of a matter's application form, which is defined as data in the matter version.

Every field is checked and every error is reported at once, keyed by field, so that a page can
show each message beside its field. Patterns are regular expressions matched with `re.fullmatch`;
nothing from configuration is ever evaluated as code.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from onestop.cases.form_errors import FieldError, FormInvalid
from onestop.core.dates import (
    EARLIEST_FORM_DATE,
    LATEST_FORM_DATE,
    TypedDateInvalid,
    parse_typed_date,
)
from onestop.core.errors import Echoed, OneStopError, detail_text, echoed
from onestop.core.full_width import fold_full_width
from onestop.core.json_input import number_text
from onestop.core.schema_errors import json_type_name
from onestop.identity.codes import (
    check_phone,
    mask_id_number,
    parse_resident_id,
    parse_uscc,
)
from onestop.identity.lookup import get_enterprise

DEFAULT_MAX_LENGTH = {"text": 200, "textarea": 2000, "address": 200, "email": 254}
# Integer and decimal fields take at most 15 digits before the decimal point, so values
# stay below 10^15, where every integer is exact in a double. Decimal fields take at most
# `decimal_places` decimal places, 2 (the fen of a yuan) unless the field sets it.
MAX_INTEGER_DIGITS = 15
DEFAULT_DECIMAL_PLACES = 2
PLAIN_NUMBER = re.compile(r"[+-]?[0-9]+(?:\.[0-9]+)?")
# Field types whose value may come as a JSON number as well as text.
NUMBER_TYPES = frozenset({"integer", "decimal", "select"})
POSTAL_ADDRESS_KEY = "delivery_address"


@dataclass(frozen=True)
class FormOwner:
    """Whose own data the marked fields of a form must hold.

    `id_number` and `name` are the applicant's; `enterprise_uscc` and `enterprise_name`
    are those of the registered enterprise the applicant applies for, or None when they
    apply for themself. A None value is not compared. `holder_code_in_form` is true when
    the form's first unified social credit code (`holder_code_key`) becomes the holder
    of the matter's certificate: on a person's own application for a matter whose
    certificate goes to an organisation.
    """

    id_number: str | None = None
    name: str | None = None
    enterprise_uscc: str | None = None
    enterprise_name: str | None = None
    holder_code_in_form: bool = False

    @classmethod
    def of(
        cls, person: Any, enterprise: Any = None, *, holder_code_in_form: bool = False
    ) -> FormOwner:
        """Return the owner of a form filed by `person`, for `enterprise` if given."""
        return cls(
            id_number=person.id_number,
            name=person.name,
            enterprise_uscc=enterprise.uscc if enterprise is not None else None,
            enterprise_name=enterprise.name if enterprise is not None else None,
            holder_code_in_form=holder_code_in_form,
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
    expect the code and registered name of the enterprise applied for. When the owner's
    `holder_code_in_form` is true, the code that would become the certificate's holder
    must not be an enterprise registered in OneStop (`_check_holder_code`). A field whose
    `applies_when` condition is not met is skipped, and its value is left out.
    """
    cleaned: dict[str, Any] = {}
    errors: dict[str, dict[str, Any]] = {}
    known = {field["key"] for field in fields}
    for key in data:
        if key not in known:
            errors[detail_text(str(key))] = FieldError("field.unknown").entry()

    applying = applicable_fields(fields, data)
    for field in fields:
        key = field["key"]
        if key not in applying:
            continue
        raw = data.get(key)
        if not _is_scalar_for(field, raw):
            errors[key] = FieldError("field.not_text", type=json_type_name(raw)).entry()
            continue
        text = "" if raw is None else _text_of(raw).strip()
        if not text:
            if field.get("required"):
                errors[key] = FieldError("field.required").entry()
            continue
        try:
            cleaned[key] = _clean_value(field, text)
            _check_owner_value(field, cleaned[key], owner or FormOwner())
        except FieldError as error:
            errors[key] = error.entry()
    if (owner or FormOwner()).holder_code_in_form:
        _check_holder_code(fields, cleaned, errors)

    if errors:
        raise FormInvalid(
            form_fields=fields,
            count=len(errors),
            fields=errors,
            **_select_choices(fields, errors),
        )
    return cleaned


def applicable_fields(fields: list[dict[str, Any]], data: dict[str, Any]) -> set[str]:
    """Return the keys of the fields that apply to the form values `data`.

    A field with `applies_when` {"field", "values"} applies when its controlling field
    applies and has one of `values`. A field without a condition always applies.
    The pack validator rejects conditions that loop, and a loop found here anyway
    makes its fields not apply.
    """
    by_key = {field["key"]: field for field in fields}
    decided: dict[str, bool] = {}

    def applies(key: str, visiting: frozenset[str]) -> bool:
        if key in decided:
            return decided[key]
        condition = by_key.get(key, {}).get("applies_when")
        if not isinstance(condition, dict):
            result = key in by_key
        else:
            controlling = str(condition.get("field"))
            sent = data.get(controlling)
            text = "" if sent is None else _text_of(sent).strip()
            result = (
                controlling not in visiting
                and text in [str(value) for value in condition.get("values") or []]
                and applies(controlling, visiting | {key})
            )
        decided[key] = result
        return result

    return {key for key in by_key if applies(key, frozenset())}


def postal_address(fields: list[dict[str, Any]], data: dict[str, Any]) -> str:
    """Return the address the result is to be posted to, or "" for other delivery.

    The address is the value of the field keyed `delivery_address`, which the standard
    pack makes apply only when 领取方式 is 邮寄送达.
    """
    if POSTAL_ADDRESS_KEY not in applicable_fields(fields, data):
        return ""
    return _text_of(data.get(POSTAL_ADDRESS_KEY) or "").strip()


def _select_choices(
    fields: list[dict[str, Any]], errors: dict[str, Any]
) -> dict[str, dict[str, list[str]]]:
    """Return `choices`, the values of each select field in `errors`, for the details."""
    choices = {
        field["key"]: _choice_values(field)
        for field in fields
        if field.get("type") == "select" and field["key"] in errors
    }
    return {"choices": choices} if choices else {}


def _choice_values(field: dict[str, Any]) -> list[str]:
    return [str(choice["value"]) for choice in field.get("choices") or []]


# Form field marks that ask for the owner's own data: the FormOwner attribute each is
# compared with, and the code of the error when the value differs.
OWNER_MARKS = (
    ("applicant_id", "id_number", "field.not_own_id_number"),
    ("applicant_name", "name", "field.not_own_name"),
    ("enterprise_uscc", "enterprise_uscc", "field.not_enterprise_uscc"),
    ("enterprise_name", "enterprise_name", "field.not_enterprise_name"),
)


def _check_owner_value(field: dict[str, Any], value: Any, owner: FormOwner) -> None:
    """Reject a value other than the owner's in a field marked for it.

    A result such as an ID card or a licence goes to the applicant or the enterprise
    applied for, so the form must not name someone else as the one who applies. The
    error names the value sent, and the expected value only when it is an
    enterprise's, which is public.
    """
    for mark, attribute, code in OWNER_MARKS:
        expected = getattr(owner, attribute)
        if not field.get(mark) or expected is None:
            continue
        sent, owned = _comparable(attribute, value), _comparable(attribute, expected)
        if sent != owned and attribute in ("name", "enterprise_name"):
            _check_same_code_points(sent, owned)
        if sent == owned:
            continue
        if attribute == "id_number":
            raise FieldError(code)
        if attribute == "name":
            raise FieldError(code, value=echoed(str(value)))
        raise FieldError(code, value=echoed(str(value)), expected=expected)


def holder_code_key(fields: list[dict[str, Any]], values: dict[str, Any]) -> str | None:
    """Return the key of the first unified social credit code field that has a value.

    On a person's own case, that code becomes the holder of an organisation's
    certificate issued as the result, unless the decider names another one.
    """
    for field in fields:
        if field.get("type") == "uscc" and values.get(field["key"]):
            return str(field["key"])
    return None


def _check_holder_code(
    fields: list[dict[str, Any]],
    cleaned: dict[str, Any],
    errors: dict[str, dict[str, Any]],
) -> None:
    """Add an error for a certificate holder's code that names a registered enterprise.

    Only the enterprise's verified agents may apply for its certificate, choosing the
    enterprise when they apply, because a certificate issued to it on a person's own
    case is listed to its agents and not to that person. Other codes of the form, such
    as an employer's, are not checked. A field with an error counts as filled, so that
    an invalid code before the holder's is not passed over.
    """
    key = holder_code_key(fields, {**cleaned, **errors})
    if key is None or key in errors:
        return
    enterprise = get_enterprise(cleaned[key])
    if enterprise is not None:
        errors[key] = FieldError(
            "field.enterprise_not_represented",
            value=enterprise.uscc,
            enterprise=enterprise.name,
        ).entry()


def _comparable(attribute: str, value: Any) -> str:
    """Return `value` in the form in which an owner's data is compared."""
    if attribute == "id_number":
        return _normalised_id_number(str(value))
    if attribute == "enterprise_uscc":
        return str(value).strip().upper()
    return str(value).strip()


def _check_same_code_points(sent: str, owned: str) -> None:
    """Reject a name that equals the owner's only after Unicode normalisation (NFC).

    Such a name looks the same but writes a character with another code point, such as
    丽 U+4E3D for the compatibility ideograph 丽 U+2F800 of a registered name. A name
    keeps the code points of the ID card or licence, so the error names both.
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
        "field.look_alike_character",
        position=position + 1,
        sent=sent_character,
        registered=owned_character,
    )


def _normalised_id_number(number: str) -> str:
    """Return the 18-character form of a stored ID number, which registration checked."""
    try:
        return parse_resident_id(number).number
    except OneStopError:
        return number.strip().upper()


def _text_of(raw: Any) -> str:
    """Return a sent value as text: a JSON number as it was written, so that no digit
    of a decimal is lost to a float's precision.
    """
    return number_text(raw) if isinstance(raw, int | float) else str(raw)


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
    pattern = field.get("pattern")
    if pattern:
        text = _pattern_text(field, text)
    max_length = field.get("max_length") or DEFAULT_MAX_LENGTH.get(kind)
    if max_length and len(text) > int(max_length):
        raise FieldError("field.too_long", length=len(text), max_length=max_length)

    value: Any = text
    if kind in ("integer", "decimal"):
        value = _number(field, text)
    elif kind == "date":
        value = _date(text)
    elif kind == "select":
        choices = _choice_values(field)
        if text not in choices:
            raise FieldError("field.not_a_choice", value=echoed(text), choices=choices)
    elif kind in ("phone", "id_number", "uscc"):
        value = _identity_code(kind, text)
    elif kind == "email" and not re.fullmatch(r"[^@\s]+@[^@\s]+\.[^@\s]+", text):
        raise FieldError("field.email_invalid")

    if pattern and not re.fullmatch(pattern, str(value)):
        raise FieldError(
            "field.pattern_mismatch", pattern=pattern, **_shown_value(field, text)
        )
    return value


def _pattern_text(field: dict[str, Any], text: str) -> str:
    """Return the text that a field with a `pattern` matches and stores.

    Chinese input methods type full-width digits and letters (１２３), so they count
    as the ASCII characters they stand for. A field with `strip_spaces` also drops
    the spaces that group the digits of an account number as printed on a card.
    """
    folded = fold_full_width(text)
    if field.get("strip_spaces"):
        return "".join(folded.split(" "))
    return folded


def _shown_value(field: dict[str, Any], text: str) -> dict[str, Echoed]:
    """Return the value that an error's details show, as {"value": ...}.

    A field marked `personal_data`, such as a bank account number, shows its value
    masked as an ID number is. A value of 8 characters or fewer would show as asterisks
    only, which help no one, so it is left out (an empty dict).
    """
    if not field.get("personal_data"):
        return {"value": echoed(text)}
    masked = mask_id_number(text)
    return {"value": echoed(masked)} if masked.strip("*") else {}


def _number(field: dict[str, Any], text: str) -> int | str:
    """Return an integer field's value as an int and a decimal field's as plain text.

    Full-width digits, sign and point (１２．５) are read after NFKC normalisation. Only
    the digits 0-9, a sign and one decimal point are accepted: Decimal() alone would
    also take exponents (1E+400), NaN, Infinity, underscores and other scripts' digits.
    """
    integer = field.get("type") == "integer"
    value = echoed(text)
    plain = unicodedata.normalize("NFKC", text).strip()
    if not PLAIN_NUMBER.fullmatch(plain):
        raise FieldError(
            "field.not_integer" if integer else "field.not_decimal", value=value
        )

    whole, _point, fraction = plain.lstrip("+-").partition(".")
    digits = len(whole.lstrip("0"))
    if digits > MAX_INTEGER_DIGITS:
        raise FieldError(
            "field.too_many_digits",
            value=value,
            digits=digits,
            max_digits=MAX_INTEGER_DIGITS,
        )
    number = Decimal(plain)
    if integer and number != number.to_integral_value():
        raise FieldError("field.not_whole_number", value=value)
    places = len(fraction.rstrip("0"))
    max_places = field.get("decimal_places", DEFAULT_DECIMAL_PLACES)
    if not integer and places > max_places:
        raise FieldError(
            "field.too_many_decimal_places",
            value=value,
            places=places,
            max_places=max_places,
        )

    for bound, code, compare in (
        ("min", "field.below_minimum", number.__lt__),
        ("max", "field.above_maximum", number.__gt__),
    ):
        if field.get(bound) is not None and compare(Decimal(str(field[bound]))):
            raise FieldError(code, value=value, **{bound: field[bound]})
    return int(number) if integer else str(number)


def _date(text: str) -> str:
    """Return a date field's value as YYYY-MM-DD, from EARLIEST_FORM_DATE to LATEST_FORM_DATE.

    Full-width digits and hyphens, which Chinese input methods type, count as ASCII.
    """
    try:
        day = parse_typed_date(text)
    except TypedDateInvalid as error:
        code = "field.date_not_a_day" if error.not_a_day else "field.date_invalid"
        raise FieldError(code, value=echoed(text)) from None
    if not EARLIEST_FORM_DATE <= day <= LATEST_FORM_DATE:
        raise FieldError(
            "field.date_out_of_range",
            value=day.isoformat(),
            earliest=EARLIEST_FORM_DATE.isoformat(),
            latest=LATEST_FORM_DATE.isoformat(),
        )
    return day.isoformat()


def _identity_code(kind: str, text: str) -> str:
    try:
        if kind == "phone":
            return check_phone(text) or text
        if kind == "id_number":
            return parse_resident_id(text).number
        return parse_uscc(text).code
    except OneStopError as error:
        raise FieldError(error.code, **error.details) from None


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
