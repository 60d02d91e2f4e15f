"""Errors of the ledger's proof formats whose reason reads in the reader's language.

The signed-note, checkpoint and Merkle proof checks raise a `ReasonError`. Its `str()`
is the English reason, which logs use and which matches the reasons of the offline
verifier in js/. `render()` is the reason in the active language, for people to read.
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext


class ReasonError(ValueError):
    """A ValueError whose reason is an English gettext message id with %(name)s
    placeholders and the values to fill them with.
    """

    def __init__(self, reason: str, /, **params: Any) -> None:
        self.reason = reason
        self.params = params
        super().__init__(reason % params if params else reason)

    def render(self) -> str:
        """Return the reason in the active language."""
        text = gettext(self.reason)
        return text % self.params if self.params else text
