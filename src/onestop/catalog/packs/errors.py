"""Errors found in a catalogue pack, each with its file, place and rule."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import ngettext_lazy

from onestop.core.errors import InvalidInput


@dataclass(frozen=True)
class PackError:
    """One broken rule of a pack.

    `file` is relative to the pack folder (``matters/food-business-licence.yaml``).
    `path` is the place inside the file (``materials[2].certificate_type``), empty for
    the whole file. `rule` is a stable dotted code and `message` the translated text.
    `line` and `column` count from 1 and are None when the place has no position.
    `values` are the message's placeholder values, such as the `key` of a missing key.
    """

    file: str
    path: str
    rule: str
    message: str
    line: int | None = None
    column: int | None = None
    values: Mapping[str, Any] = field(default_factory=dict, compare=False, repr=False)

    def location(self) -> str:
        """Return ``file:line:column: path`` with the parts that are known."""
        where = self.file
        if self.line is not None:
            where += f":{self.line}"
            if self.column is not None:
                where += f":{self.column}"
        return f"{where}: {self.path}" if self.path else where

    def __str__(self) -> str:
        return f"{self.location()}: {self.message} [{self.rule}]"


def make_error(
    file: str,
    path: str,
    rule: str,
    message: Any,
    /,
    *,
    line: int | None = None,
    column: int | None = None,
    **values: Any,
) -> PackError:
    """Build a PackError, filling the named placeholders of a translated message.

    A message with values may name the position as %(line)s and %(column)s too.
    """
    positioned = {"line": line, "column": column, **values}
    text = str(message) % positioned if values else str(message)
    return PackError(file, path, rule, text, line, column, values)


class InvalidPack(InvalidInput):
    code = "catalog_pack.invalid"

    def __init__(self, pack: str, errors: list[PackError]) -> None:
        self.message = ngettext_lazy(
            "The catalogue pack %(pack)s has %(count)s error: %(first)s. Run "
            "`onestop pack validate %(pack)s` to list it with its location.",
            "The catalogue pack %(pack)s has %(count)s errors, the first is: "
            "%(first)s. Run `onestop pack validate %(pack)s` to list them all.",
            len(errors),
        )
        super().__init__(pack=pack, count=len(errors), first=str(errors[0]))
        self.errors = errors
