"""Every invalid field of a registration or a profile change, reported in one notice
(一次性告知).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from django.utils.translation import gettext_lazy as _

from onestop.core.errors import InvalidInput, OneStopError, full_sentence

T = TypeVar("T")


class RegistrationInvalid(InvalidInput):
    """Several invalid fields. `details.fields` gives each field's code and values,
    and `field_errors` keeps the errors themselves, whose messages the summary joins."""

    code = "identity.registration_invalid"
    message = _("Correct these fields and register again: %(summary)s")

    def __init__(
        self,
        message: Any = None,
        /,
        *,
        field_errors: dict[str, OneStopError] | None = None,
        **details: Any,
    ) -> None:
        super().__init__(message, **details)
        self.field_errors = dict(field_errors or {})

    def message_values(self) -> dict[str, Any]:
        summary = " ".join(
            full_sentence(error.render()) for error in self.field_errors.values()
        )
        return {**super().message_values(), "summary": summary}


class ProfileInvalid(RegistrationInvalid):
    code = "identity.profile_invalid"
    message = _("Correct these fields and save the profile again: %(summary)s")


class EnterpriseCorrectionInvalid(RegistrationInvalid):
    code = "identity.enterprise_correction_invalid"
    message = _(
        "Correct these fields as the business licence shows them and verify again: "
        "%(summary)s"
    )


class FieldErrors:
    """The errors found so far, at most one per field, in the order they were checked.

    `combined` is the error raised for several fields: RegistrationInvalid unless the
    caller names another subclass.
    """

    def __init__(
        self, combined: type[RegistrationInvalid] = RegistrationInvalid
    ) -> None:
        self.errors: dict[str, OneStopError] = {}
        self.combined = combined

    def check(self, field: str, check: Callable[[str], T], value: str) -> T | None:
        """Return `check(value)`, or record its error for the field and return None."""
        try:
            return check(value)
        except OneStopError as error:
            self.add(field, error)
            return None

    def add(self, field: str, error: OneStopError) -> None:
        self.errors.setdefault(field, error)

    def raise_if_any(self) -> None:
        """Raise the only error, or the combined error that lists several.

        One error keeps its own code and status, and its details gain `field`. Several
        raise the combined error with each field's code and details in
        `details.fields`, and their shared status, or 400 when their statuses differ.
        """
        if not self.errors:
            return
        if len(self.errors) == 1:
            field, error = next(iter(self.errors.items()))
            error.details["field"] = field
            raise error

        fields = {
            field: {"code": error.code, **error.details}
            for field, error in self.errors.items()
        }
        combined = self.combined(
            count=len(fields), fields=fields, field_errors=self.errors
        )
        statuses = {error.status for error in self.errors.values()}
        combined.status = statuses.pop() if len(statuses) == 1 else 400
        raise combined


def field_messages(error: OneStopError) -> dict[str, str]:
    """Map each field named by a registration error to its message, for the pages."""
    if isinstance(error, RegistrationInvalid):
        return {field: item.render() for field, item in error.field_errors.items()}
    field = error.details.get("field")
    return {str(field): error.render()} if field else {}
