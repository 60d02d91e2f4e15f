"""Errors of local overlays, each with a stable code and details of codes and values.

A message may describe a problem in words, such as the rule a value breaks, but the
details give only the place, the rule's code and the values, so that they read the same
in every language.
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _

from onestop.catalog.field_labels import labelled_path
from onestop.catalog.packs.errors import PackError
from onestop.core.errors import InvalidInput, NotFound, full_sentence, list_text


class OverlayPathInvalid(InvalidInput):
    code = "overlay.path_invalid"
    message = _(
        "The field path %(path)s is not valid. Write keys of the matter joined by dots, "
        "such as time_limits.promised.amount; the id of a matter cannot be changed."
    )


class OverlayPathMissing(InvalidInput):
    code = "overlay.path_missing"
    message = _(
        "The field path is missing. Write keys of the matter joined by dots, such as "
        "time_limits.promised.amount."
    )


class OverlayPathNotObject(InvalidInput):
    code = "overlay.path_not_object"
    message = _(
        "The field path %(path)s goes inside %(parent)s, which is not an object. Change "
        "%(parent)s as a whole instead."
    )


class OverlayPathOverlaps(InvalidInput):
    """A field path inside another field of the overlay, or containing one.

    The details give the changed `path` and the `other` field it overlaps.
    """

    code = "overlay.path_overlaps"
    message = _(
        "The field %(path)s was not saved because it overlaps the field %(other)s, "
        "and the centre's value for a matter field is kept at one path only. Remove "
        "the field %(other)s first, or change %(other)s itself."
    )


PROBLEM_AT = _("At %(where)s: %(problem)s")


class OverlayValueInvalid(InvalidInput):
    """A matter definition that breaks the matter schema or rules after a change.

    The details give the changed `path`, the `count` of problems, each problem's place
    (`where`) and `rule` in `errors`, and `where` and `rule` repeat the first. The
    message describes every problem in words, which the details leave out.
    """

    code = "overlay.value_invalid"
    message = _("The value for %(path)s was not saved. %(problems)s")
    # The message for a change of several fields, whose paths `path` joins with ", ".
    several_message: Any = _("The values for %(path)s were not saved. %(problems)s")

    def __init__(self, *, path: str, problems: list[PackError]) -> None:
        if self.several_message is not None and len(path.split(", ")) > 1:
            self.message = self.several_message
        # Each problem's place, with the change's path for a problem of the whole
        # definition, and its message in the language active when it was found.
        self.problem_texts = [
            (problem.path or path, problem.message) for problem in problems
        ]
        errors = [
            {"where": problem.path or path, "rule": problem.rule}
            for problem in problems
        ]
        super().__init__(
            path=path,
            where=errors[0]["where"],
            rule=errors[0]["rule"],
            count=len(errors),
            errors=errors,
        )

    def message_values(self) -> dict[str, Any]:
        # The message names a field of the editor by its label, and the details
        # give the path alone.
        values = super().message_values()
        values["path"] = list_text(
            labelled_path(path) for path in str(values["path"]).split(", ")
        )
        values["problems"] = " ".join(
            full_sentence(
                str(PROBLEM_AT) % {"where": labelled_path(where), "problem": text}
            )
            for where, text in self.problem_texts
        )
        return values


class OverlayMaterialsEmpty(InvalidInput):
    """An overlay that would leave a matter of the pack with no material.

    A matter that takes applications requires at least one material, so a centre
    removes materials one by one, or switches the matter off.
    """

    code = "overlay.materials_empty"
    message = _(
        "The materials of %(matter)s were not saved: the new list is empty, but the "
        "pack lists %(count)s materials for this matter and an application needs at "
        "least one. Remove only the materials the centre does not ask for, or switch "
        "the matter off if it takes no more applications."
    )


class LocalMatterInvalid(OverlayValueInvalid):
    message = _("The local matter was not saved. %(problems)s")
    several_message = None


class LocalMatterTooLarge(InvalidInput):
    code = "overlay.definition_too_large"
    message = _(
        "The matter definition has %(size)s bytes, more than the limit of %(limit)s "
        "bytes that a matter file of a pack has. Shorten long texts such as the "
        "conditions."
    )


class OverlayValueTooLarge(InvalidInput):
    code = "overlay.value_too_large"
    message = _(
        "The value for %(path)s has %(size)s bytes, more than the limit of %(limit)s "
        "bytes that a matter file of a pack has. Shorten it, or split the list."
    )


class OverlayTextTooLong(OverlayValueTooLarge):
    message = _(
        "The text for %(path)s has %(size)s characters, more than the limit of "
        "%(limit)s characters that the pack format allows for this field. Shorten it."
    )


class OverlayJsonInvalid(InvalidInput):
    code = "overlay.json_invalid"
    message = _(
        "The value for %(path)s is not valid JSON (%(problem)s). Write a JSON value such "
        'as 5, "text", true or a list in square brackets.'
    )


class OverlayNumberInvalid(InvalidInput):
    """A number box of the overlay editor with something other than a whole number.

    The details give the `field` as its path and the `value` typed, and the message
    names the box by its label.
    """

    code = "overlay.number_invalid"
    message = _(
        '%(field)s (%(path)s) must be a whole number such as 5, not "%(value)s". Enter '
        "digits only."
    )


class ProblemInWords(InvalidInput):
    """An error whose message describes the problem in words that the details leave
    out: `problem` fills the message's %(problem)s, and the details give its rule."""

    def __init__(self, *, problem: Any, **details: Any) -> None:
        self.problem = problem
        super().__init__(**details)

    def message_values(self) -> dict[str, Any]:
        return {**super().message_values(), "problem": str(self.problem)}


class LocalMatterUnreadable(ProblemInWords):
    """A local matter definition that is not YAML, or not a mapping.

    The details give the `line` and `column` and the `rule` it breaks, such as
    yaml.syntax, and the message describes the problem in words.
    """

    code = "overlay.definition_unreadable"
    message = _(
        "The matter definition could not be read at line %(line)s, column %(column)s: "
        "%(problem)s Write it in YAML, as in a pack's matters/<id>.yaml file; JSON is "
        "valid YAML too."
    )


class OverlayFieldNotSet(NotFound):
    code = "overlay.field_not_set"
    message = _(
        "The matter %(matter)s has no centre value at %(path)s, so there is nothing to "
        "remove. The diff page lists the fields the centre changed."
    )


class LocalMatterExists(InvalidInput):
    code = "overlay.matter_exists"
    message = _(
        "The centre already has a matter with the id %(matter)s. Choose another id for the "
        "local matter."
    )


class MatterNotInCentre(NotFound):
    """The centre, given by its slug in the details, has no matter of the id sent."""

    code = "overlay.matter_not_found"
    message = _(
        "The centre %(centre)s has no matter %(matter)s. Open the centre's matter list to "
        "find it."
    )
