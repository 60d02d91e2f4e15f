"""The errors of an application form: one code and its values per invalid field.

`form.invalid` lists each invalid field in `details.fields` as {"code", ...values}, the
same in every language, so that a client renders them in its own. `field_message`
turns one entry into the sentence that pages show beside the field and that the
summary of the error's message repeats, in the active language.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from onestop.core.errors import (
    InvalidInput,
    OneStopError,
    choices_text,
    code_point_text,
    message_value,
    tidy_cjk_spacing,
)
from onestop.core.schema_errors import json_type_label
from onestop.identity import codes as identity_codes


class FieldError(Exception):
    """One invalid field: the code of the rule it breaks and the values it names."""

    def __init__(self, code: str, **values: Any) -> None:
        super().__init__(code)
        self.code = code
        self.values = values

    def entry(self) -> dict[str, Any]:
        """Return the field's entry of `details.fields`."""
        return {"code": self.code, **self.values}


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
# The message of field.pattern_mismatch for a field whose definition has a
# `pattern_hint`, the rule in words in the pack's language.
PATTERN_MISMATCH_WITH_HINT = gettext_lazy(
    "%(label)s is %(value)s, which does not have the required format: %(hint)s."
)
# The messages of field.pattern_mismatch for personal data too short to show masked.
PATTERN_MISMATCH_UNSHOWN = gettext_lazy("%(label)s does not have the required format.")
PATTERN_MISMATCH_UNSHOWN_WITH_HINT = gettext_lazy(
    "%(label)s does not have the required format: %(hint)s."
)

# The message of each field rule, by code. A message names the field by its label and
# shows the values of the entry; `_message_values` adds what a code shows otherwise.
FIELD_MESSAGES: dict[str, Any] = {
    "field.unknown": gettext_lazy("%(key)s is not a field of this form."),
    "field.not_text": gettext_lazy("%(label)s must be text, not a JSON %(type)s."),
    "field.required": gettext_lazy("%(label)s is required."),
    "field.too_long": gettext_lazy(
        "%(label)s has %(length)s characters; the maximum is %(max)s."
    ),
    "field.not_a_choice": gettext_lazy(
        "%(value)s is not one of the choices of %(label)s. Send one of these values: "
        "%(choices)s."
    ),
    "field.email_invalid": gettext_lazy("%(label)s is not a valid e-mail address."),
    "field.pattern_mismatch": gettext_lazy(
        "%(label)s is %(value)s, which does not have the required format."
    ),
    "field.not_integer": INTEGER_NOT_PLAIN,
    "field.not_decimal": DECIMAL_NOT_PLAIN,
    "field.too_many_digits": gettext_lazy(
        "%(label)s is %(value)s, which has %(digits)s digits before the decimal "
        "point; the maximum is %(max)s."
    ),
    "field.not_whole_number": gettext_lazy("%(label)s must be a whole number."),
    "field.too_many_decimal_places": gettext_lazy(
        "%(label)s is %(value)s, which has %(places)s decimal places; the maximum is "
        "%(max)s."
    ),
    "field.below_minimum": gettext_lazy(
        "%(label)s is %(value)s; it must be at least %(bound)s."
    ),
    "field.above_maximum": gettext_lazy(
        "%(label)s is %(value)s; it must be at most %(bound)s."
    ),
    "field.date_invalid": gettext_lazy(
        "%(label)s must be a date in the form YYYY-MM-DD, not %(value)s."
    ),
    "field.date_not_a_day": gettext_lazy(
        "%(label)s is %(value)s, a day that the calendar does not have."
    ),
    "field.date_out_of_range": gettext_lazy(
        "%(label)s is %(value)s; it must be a date from %(earliest)s to %(latest)s."
    ),
    # The messages of fields that must hold the owner's own data name the value sent,
    # never the owner's ID number or name. An enterprise's code and registered name
    # are public, so their messages name the expected value too.
    "field.not_own_id_number": gettext_lazy(
        "%(label)s must be the applicant's own ID number. Enter the ID number of "
        "the person who applies."
    ),
    "field.not_own_name": gettext_lazy(
        "%(label)s is %(value)s, but it must be the applicant's own name as on "
        "their resident ID card. Enter the name of the person who applies."
    ),
    "field.not_enterprise_uscc": gettext_lazy(
        "%(label)s is %(value)s, but the enterprise you apply for has the code "
        "%(expected)s. Enter its unified social credit code, or choose the "
        "enterprise that %(value)s belongs to."
    ),
    "field.not_enterprise_name": gettext_lazy(
        "%(label)s is %(value)s, but the registered name of the enterprise you "
        "apply for is %(expected)s. Enter the name as on its business licence."
    ),
    "field.enterprise_not_represented": gettext_lazy(
        "%(label)s is %(value)s, the code of %(enterprise)s, an enterprise registered "
        "in OneStop, and this matter's certificate would be issued to it. Only its "
        "verified agents may apply for it: if you act for it, choose it under "
        '"Apply for" (in the API, send enterprise=%(value)s). If you are not its '
        "verified agent yet, claim the enterprise on your profile and have a service "
        "centre verify your agency first."
    ),
    "field.look_alike_character": gettext_lazy(
        "%(label)s writes character %(position)s as %(sent)s, but the registered "
        "name has %(registered)s there. The two look alike, and the name must "
        "keep the characters of the registration. Use the prefilled name."
    ),
}

# Fields of the types phone, id_number and uscc report the identity check's own code
# and details, and show its message.
IDENTITY_ERRORS: dict[str, type[OneStopError]] = {
    error.code: error
    for error in (
        identity_codes.InvalidIdNumberLength,
        identity_codes.InvalidIdNumberAlphabet,
        identity_codes.IdNumberCheckDigitMismatch,
        identity_codes.InvalidIdNumberDate,
        identity_codes.UnknownIdNumberRegion,
        identity_codes.InvalidUsccLength,
        identity_codes.InvalidUsccAlphabet,
        identity_codes.UsccCheckCharacterMismatch,
        identity_codes.InvalidPhone,
    )
}


def field_message(
    key: str, entry: Mapping[str, Any], field: Mapping[str, Any] | None
) -> str:
    """Return the message of one entry of `details.fields` in the active language.

    `field` is the field's definition in the matter's form, which gives its label,
    its choices' labels and its help text, or None for a key that the form lacks.
    """
    code = str(entry.get("code", ""))
    values = {name: value for name, value in entry.items() if name != "code"}
    identity_error = IDENTITY_ERRORS.get(code)
    if identity_error is not None:
        return identity_error(**values).render()

    message: Any = FIELD_MESSAGES.get(code)
    if code == "field.pattern_mismatch":
        message = _pattern_mismatch_message(values, field or {})
    if message is None:
        # NOTE: every code that check_form_data reports has a message above, so this
        # is reached only for an entry built elsewhere.
        return code
    text = tidy_cjk_spacing(
        str(message) % _message_values(key, code, values, field or {})
    )
    if code == "field.pattern_mismatch" and field and field.get("help"):
        text = tidy_cjk_spacing(f"{text} {field['help']}")
    return text


def _pattern_mismatch_message(
    values: Mapping[str, Any], field: Mapping[str, Any]
) -> Any:
    """Return the message of field.pattern_mismatch: with the field's rule in words
    when its definition has a `pattern_hint`, and with the value when it is shown."""
    if "value" in values:
        if field.get("pattern_hint"):
            return PATTERN_MISMATCH_WITH_HINT
        return FIELD_MESSAGES["field.pattern_mismatch"]
    if field.get("pattern_hint"):
        return PATTERN_MISMATCH_UNSHOWN_WITH_HINT
    return PATTERN_MISMATCH_UNSHOWN


def _message_values(
    key: str, code: str, values: dict[str, Any], field: Mapping[str, Any]
) -> dict[str, Any]:
    shown = {name: message_value(value) for name, value in values.items()}
    shown.update(key=key, label=field.get("label", key))
    if code == "field.pattern_mismatch":
        shown["hint"] = field.get("pattern_hint") or ""
    if code == "field.not_text":
        shown["type"] = json_type_label(str(values.get("type")))
    elif code == "field.too_long":
        shown["max"] = values.get("max_length")
    elif code == "field.too_many_digits":
        shown["max"] = values.get("max_digits")
    elif code == "field.too_many_decimal_places":
        shown["max"] = values.get("max_places")
    elif code in ("field.below_minimum", "field.above_maximum"):
        shown["bound"] = values.get("min", values.get("max"))
    elif code == "field.not_a_choice":
        shown["choices"] = _choices_text(values.get("choices") or [], field)
    elif code == "field.look_alike_character":
        shown["sent"] = _named_code_point(str(values.get("sent", "")))
        shown["registered"] = _named_code_point(str(values.get("registered", "")))
    return shown


def _choices_text(keys: list[Any], field: Mapping[str, Any]) -> str:
    labels = {
        str(choice.get("value")): choice.get("label", choice.get("value"))
        for choice in field.get("choices") or []
        if isinstance(choice, dict)
    }
    return choices_text((str(key), labels.get(str(key), key)) for key in keys)


def _named_code_point(character: str) -> str:
    if len(character) != 1:
        return character
    return f"“{character}” {code_point_text(character)}"


def field_messages(error: Exception | None) -> dict[str, str]:
    """Return the message of each field that an error lists, by field key, for pages.

    Errors without `details.fields` give an empty mapping.
    """
    entries = (getattr(error, "details", None) or {}).get("fields")
    if not isinstance(entries, dict):
        return {}
    definitions = {
        field["key"]: field for field in getattr(error, "form_fields", None) or []
    }
    return {
        key: field_message(key, entry, definitions.get(key))
        for key, entry in entries.items()
        if isinstance(entry, Mapping)
    }


def form_summary(error: Exception) -> str:
    """Return one line per invalid field, each led by the field's label."""
    labels = {
        field["key"]: str(field["label"])
        for field in getattr(error, "form_fields", None) or []
    }
    return " ".join(
        _summary_line(labels.get(key), message)
        for key, message in field_messages(error).items()
    )


def _summary_line(label: str | None, message: str) -> str:
    """Start a field's line of the summary with its label, as the form displays it.

    Most messages already start with the label. A field the form does not have has no
    label, and its message names the key that was sent.
    """
    if label is None or message.startswith(label):
        return message
    return _("%(label)s: %(message)s") % {"label": label, "message": message}


class FormInvalid(InvalidInput):
    """Invalid fields of a form. `form_fields` are the form's field definitions, which
    the messages take labels from; the details carry codes and values only."""

    code = "form.invalid"
    message = gettext_lazy("Correct these fields of the form: %(summary)s")

    def __init__(
        self,
        message: Any = None,
        /,
        *,
        form_fields: list[dict[str, Any]] | None = None,
        **details: Any,
    ) -> None:
        super().__init__(message, **details)
        self.form_fields = list(form_fields or [])

    def message_values(self) -> dict[str, Any]:
        return {**super().message_values(), "summary": form_summary(self)}


class FormInvalidMaterialsMissing(FormInvalid):
    """Invalid form fields and missing required materials, reported in one notice."""

    message = gettext_lazy(
        "Correct these fields of the form: %(summary)s These required materials are "
        "missing too: %(materials)s. Provide each of them."
    )
