"""Checks of the face values (照面信息) that a decider enters when approving a case.

These values are printed on a signed certificate, so each one is checked by the face
field that the certificate type defines: its length, its characters and, for a date, its
form. A field with choices takes only one of them, as the certificate prints it. The
gender and the birth date of a resident's certificate must equal what the holder's
resident ID number states.
"""

from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any

from django.utils.translation import gettext_lazy as _

from onestop.certificates.ethnic_groups import ID_CARD_NAMES
from onestop.certificates.models import CertificateType, HolderKind
from onestop.core.errors import InvalidInput, echoed, listed, named_code_point
from onestop.core.ideographs import is_printable
from onestop.identity.codes import parse_resident_id

# The maximum length of a face value when its field sets no `max_length`.
DEFAULT_MAX_LENGTH = 200
GENDERS = {"male": "男", "female": "女"}
# The key of the 民族 face field, whose values are the ethnic groups as an ID card
# prints them even where its certificate type lists no choices.
ETHNICITY_KEY = "ethnicity"


class FaceValueInvalid(InvalidInput):
    """A face value that breaks the rule of its field; details name key and value."""


class FaceValueTooLong(FaceValueInvalid):
    code = "certificate.face_value_too_long"
    message = _(
        "The face field %(label)s (%(key)s) has %(length)s characters, more than the "
        "maximum of %(max)s: %(value)s. Shorten it."
    )


class FaceValueCharacterInvalid(FaceValueInvalid):
    code = "certificate.face_value_character_invalid"
    message = _(
        "The face field %(label)s (%(key)s) contains %(character)s, a control or "
        "invisible character: %(value)s. Type the value again with visible characters "
        "only."
    )


class FaceDateInvalid(FaceValueInvalid):
    code = "certificate.face_date_invalid"
    message = _(
        "The face field %(label)s (%(key)s) must be a date as YYYY-MM-DD, such as "
        "2026-12-05, not %(value)s."
    )


class FaceGenderInvalid(FaceValueInvalid):
    code = "certificate.face_gender_invalid"
    message = _(
        "The face field %(label)s (%(key)s) must be 男 or 女 and match the holder's ID "
        "number, which gives %(expected)s, not %(value)s. Leave it empty to fill it "
        "from the ID number."
    )


class FaceChoiceInvalid(FaceValueInvalid):
    code = "certificate.face_choice_invalid"
    message = _(
        "The face field %(label)s (%(key)s) must be one of its choices, written as the "
        "certificate prints them, not %(value)s. Choose one of: %(choices)s."
    )


class FaceBirthDateMismatch(FaceValueInvalid):
    code = "certificate.face_birth_date_mismatch"
    message = _(
        "The face field %(label)s (%(key)s) must be the date of birth in the holder's "
        "ID number, %(expected)s, not %(value)s. Leave it empty to fill it from the ID "
        "number."
    )


def check_entered_face_values(
    certificate_type: CertificateType, entered: Mapping[str, Any], holder_code: str
) -> None:
    """Raise a FaceValueInvalid error for the first entered value that breaks its rule.

    Keys that the type does not define are left to the key check of the caller.
    """
    fields = {field["key"]: field for field in certificate_type.face_fields}
    resident = None
    if certificate_type.holder_kind == HolderKind.PERSON:
        resident = parse_resident_id(holder_code)
    for key, raw in entered.items():
        field = fields.get(str(key))
        value = str(raw).strip()
        if field is None or not value:
            continue
        _check_text(field, value)
        if field.get("type") == "date":
            _check_date(field, value)
        choices = face_choices(field)
        if choices and value not in choices:
            raise FaceChoiceInvalid(**_named(field, value), choices=listed(choices))
        if resident is not None and field["key"] == "gender":
            expected = GENDERS[resident.sex]
            if value != expected:
                raise FaceGenderInvalid(**_named(field, value), expected=expected)
        if resident is not None and field["key"] == "birth_date":
            expected = resident.birth_date.isoformat()
            if value != expected:
                raise FaceBirthDateMismatch(**_named(field, value), expected=expected)


def face_choices(field: Mapping[str, Any]) -> list[str]:
    """Return the values that a face field takes, or [] for a field that takes any text.

    They are the field's `choices`. An `ethnicity` field without them takes the names
    that an ID card prints: the 56 groups of GB/T 3304 without 族 (汉, 蒙古), then its
    entries 其他 and 外国血统中国籍人士. So a certificate type synced from a pack that
    lists no choices also stores each group in one form.
    """
    choices = field.get("choices")
    if choices:
        return [str(choice) for choice in choices]
    if field["key"] == ETHNICITY_KEY:
        return list(ID_CARD_NAMES)
    return []


def _check_text(field: Mapping[str, Any], value: str) -> None:
    maximum = int(field.get("max_length") or DEFAULT_MAX_LENGTH)
    if len(value) > maximum:
        raise FaceValueTooLong(**_named(field, value), length=len(value), max=maximum)
    hidden = next(
        (character for character in value if not is_printable(character)), None
    )
    if hidden is not None:
        raise FaceValueCharacterInvalid(
            **_named(field, value), character=named_code_point(hidden)
        )


def _check_date(field: Mapping[str, Any], value: str) -> None:
    try:
        parsed = datetime.date.fromisoformat(value)
    except ValueError:
        parsed = None
    # fromisoformat also reads 20261205 and 2026-W49-6, which a certificate does not print.
    if parsed is None or parsed.isoformat() != value:
        raise FaceDateInvalid(**_named(field, value))


def _named(field: Mapping[str, Any], value: str) -> dict[str, str]:
    return {
        "key": field["key"],
        "label": field.get("label", field["key"]),
        "value": echoed(value),
    }
