"""The base of the API's request bodies, and the string types of its dates and times."""

from __future__ import annotations

from typing import Annotated

from ninja import Schema
from pydantic import ConfigDict, WithJsonSchema

# A response member that a handler fills with `core.dates.api_datetime` (RFC 3339 with
# the offset, such as 2026-12-05T20:31:07+08:00) or with a date's isoformat()
# (2026-12-05). The handler already formats the value, so the member stays a string, and
# the OpenAPI document gives it the matching format.
ApiDateTime = Annotated[str, WithJsonSchema({"type": "string", "format": "date-time"})]
ApiDate = Annotated[str, WithJsonSchema({"type": "string", "format": "date"})]


class InputSchema(Schema):
    """A request body that rejects members it does not define.

    A misspelt member would otherwise be dropped without a word, and the request would
    go on without it. The error is `request.invalid` with the member's location.
    """

    model_config = ConfigDict(extra="forbid")
