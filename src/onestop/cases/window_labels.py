"""The window label: the name of the counter (窗口) where a clerk accepts a case or
serves a visit, such as "3" or "综合窗口 3".

Rating statistics group by the label and export it to .xlsx, so it is checked where a
request or a page sends it.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from onestop.core.errors import InvalidInput, code_point, code_point_text, echoed

# The length of the window columns of cases, visits and ratings, and the maxlength of
# the pages' input.
MAX_WINDOW_LABEL_LENGTH = 40


class WindowLabelTooLong(InvalidInput):
    code = "case.window_label_too_long"
    message = _(
        "The window label %(value)s has %(length)s characters, more than the maximum "
        "of %(max)s. Give the window's short name or number, such as 3."
    )


class WindowLabelCharacterInvalid(InvalidInput):
    code = "case.window_label_character_invalid"
    message = _(
        "The window label %(value)s contains %(character)s, a control or invisible "
        "character. Type the label again with visible characters only."
    )


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
    hidden = next(
        (character for character in label if not character.isprintable()), None
    )
    if hidden is not None:
        raise WindowLabelCharacterInvalid(
            value=_visible(label),
            character=code_point_text(hidden),
        )
    return label


def _visible(label: str) -> str:
    # Shows each hidden character as <U+XXXX>, so that the message can point at it.
    return "".join(
        character if character.isprintable() else f"<{code_point(character)}>"
        for character in label
    )
