"""The password rule that Django's validators leave out: letters and digits together."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _


class LettersAndDigitsValidator:
    """A validator that rejects passwords without a letter or a digit, such as spaces."""

    def validate(self, password: str, user: Any = None) -> None:
        has_letter = any(character.isalpha() for character in password)
        has_digit = any(character.isdigit() for character in password)
        if not (has_letter and has_digit):
            raise ValidationError(
                _("The password must contain at least one letter and one digit."),
                code="password_letters_and_digits",
            )

    def get_help_text(self) -> str:
        return _("Your password must contain at least one letter and one digit.")
