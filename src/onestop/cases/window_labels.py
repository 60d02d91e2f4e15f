"""The window label: the name of the counter (窗口) where a clerk accepts a case or
serves a visit, such as "3" or "综合窗口 3".

Rating statistics group by the label and export it to .xlsx, so it is checked where a
request or a page sends it.
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _

from onestop.core.errors import InvalidInput, code_point, code_point_text, echoed
from onestop.identity.actions import CharacterInvalid

# The length of the window columns of cases, visits and ratings, and the maxlength of
# the pages' input.
MAX_WINDOW_LABEL_LENGTH = 40


class WindowLabelTooLong(InvalidInput):
    code = "case.window_label_too_long"
    message = _(
        "The window label %(value)s has %(length)s characters, more than the maximum "
        "of %(max)s. Give the window's short name or number, such as 3."
    )


class WindowLabelCharacterInvalid(CharacterInvalid):
    """A window label with a control or invisible character. The details give the
    label sent (`value`), the first such `character`, its `code_point` (U+XXXX) and
    its `position` in the label, counted from 1."""

    code = "case.window_label_character_invalid"
    message = _(
        "The window label %(value)s contains %(character)s, a control or invisible "
        "character. Type the label again with visible characters only."
    )

    def message_values(self) -> dict[str, Any]:
        values = super().message_values()
        values["value"] = _visible(str(self.details["value"]))
        return values

    def shown_character(self, character: str) -> str:
        """Show the character by its code point and Unicode name, because it is
        invisible: U+200B (ZERO WIDTH SPACE)."""
        return code_point_text(character)


def check_window_label(label: str) -> str:
    """Return the label without surrounding spaces, or raise if it is too long or
    contains a control or invisible character (str.isprintable() is false)."""
    label = label.strip()
    if len(label) > MAX_WINDOW_LABEL_LENGTH:
        raise WindowLabelTooLong(
            value=echoed(label),
            length=len(label),
            max=MAX_WINDOW_LABEL_LENGTH,
        )
    for index, character in enumerate(label):
        if not character.isprintable():
            raise WindowLabelCharacterInvalid(
                value=echoed(label),
                character=character,
                code_point=code_point(character),
                position=index + 1,
            )
    return label


def _visible(label: str) -> str:
    # Shows each hidden character as <U+XXXX>, so that the message can point at it.
    return "".join(
        character if character.isprintable() else f"<{code_point(character)}>"
        for character in label
    )
