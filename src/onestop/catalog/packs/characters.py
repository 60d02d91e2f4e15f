"""The rule that a matter's single-line texts hold only visible characters.

A control character (U+0007) or an invisible one (U+200B ZERO WIDTH SPACE) in a name
looks like nothing on a page, but it makes two equal-looking names differ. Python's
str.isprintable() is false for exactly these: the Unicode categories Other and
Separator, except the ASCII space.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from django.utils.translation import gettext_lazy as _

from onestop.core.errors import code_point_text

from .documents import Document, PathKey
from .errors import PackError

# The texts of a matter that are shown on one line, as paths from the matter. "*"
# stands for each item of a list or each value of a mapping.
SINGLE_LINE_TEXTS: list[PathKey] = [
    ("name",),
    ("main_item",),
    ("location",),
    ("hours",),
    ("consultation",),
    ("complaint",),
    ("result", "name"),
    ("materials", "*", "name"),
    ("steps", "*", "name"),
    ("steps", "*", "role"),
    ("form_fields", "*", "label"),
    ("form_fields", "*", "pattern_hint"),
    ("legal_basis", "*", "title"),
    ("legal_basis", "*", "article"),
]


def check_single_line_texts(
    document: Document, patterns: list[PathKey] = SINGLE_LINE_TEXTS
) -> list[PackError]:
    """Report each text at `patterns` with a character str.isprintable() rejects.

    The default patterns are the single-line texts of a matter.
    """
    errors: list[PackError] = []
    for pattern in patterns:
        for path, text in _texts_at(document.data, pattern, ()):
            hidden = next((c for c in text if not c.isprintable()), None)
            if hidden is not None:
                errors.append(_character_error(document, path, hidden))
    return errors


def _texts_at(
    data: Any, pattern: PathKey, path: PathKey
) -> Iterator[tuple[PathKey, str]]:
    if not pattern:
        if isinstance(data, str):
            yield path, data
        return
    key, rest = pattern[0], pattern[1:]
    if key == "*":
        if isinstance(data, list):
            for index, item in enumerate(data):
                yield from _texts_at(item, rest, (*path, index))
        elif isinstance(data, dict):
            for name, item in data.items():
                yield from _texts_at(item, rest, (*path, name))
    elif isinstance(data, dict) and key in data:
        yield from _texts_at(data[key], rest, (*path, key))


def _character_error(document: Document, path: PathKey, character: str) -> PackError:
    return document.error(
        path,
        "text.character_invalid",
        _(
            "The text contains %(character)s, a control or invisible character. Write "
            "it on one line with visible characters only, and remove that character."
        ),
        character=code_point_text(character),
    )
