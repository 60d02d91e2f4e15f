"""The base of the API's request bodies."""

from __future__ import annotations

from ninja import Schema
from pydantic import ConfigDict


class InputSchema(Schema):
    """A request body that rejects members it does not define.

    A misspelt member would otherwise be dropped without a word, and the request would
    go on without it. The error is `request.invalid` with the member's location.
    """

    model_config = ConfigDict(extra="forbid")
