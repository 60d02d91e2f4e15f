"""The password rules that Django's validators leave out: letters and digits together,
and a new password that differs from the current one."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.hashers import check_password
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


class DiffersFromCurrentValidator:
    """A validator that rejects a new password equal to the user's current one.

    An admin sets an initial password and so has seen it, and keeping it as the new
    password would leave the account open to that admin. The check compares the password with
    the stored hash, so it costs one hash computation, and it passes when the user has
    no usable password yet (a new account).
    """

    def validate(self, password: str, user: Any = None) -> None:
        current = getattr(user, "password", "") or ""
        # The plain hasher function, unlike user.check_password, never rewrites the
        # stored hash.
        if current and check_password(password, current):
            raise ValidationError(
                _(
                    "The new password is the same as the current one. Choose a "
                    "different password: whoever set or saw the current one may "
                    "still know it."
                ),
                code="password_unchanged",
            )

    def get_help_text(self) -> str:
        return _("A new password must differ from the account's current password.")
