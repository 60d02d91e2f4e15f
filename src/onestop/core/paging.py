"""Page numbers of the lists that the API and the pages show one page at a time.

A page past the end is an error, not the last page, so that a client that asks for
the next page until the list ends stops. The API and the pages read the number with
the same rule.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Annotated, Any, TypeVar

from django.core.paginator import Page, Paginator
from django.utils.translation import gettext_lazy as _
from ninja import Query
from pydantic import WithJsonSchema

from onestop.core.errors import InvalidInput, NotFound, echoed

T = TypeVar("T")

# A whole number as a query parameter writes it: ASCII digits, with an optional minus.
WHOLE_NUMBER = re.compile(r"-?[0-9]+")

# The query parameter `page` of an operation. Django Ninja passes its text, None when
# it is absent, and `parse_page_number` reads it, so that an invalid page gets 400
# request.page_invalid, not a 422 schema error. The OpenAPI document shows the number.
# An operation declares it without a default value, which Query(None) gives.
PageNumberText = Annotated[
    str | None,
    WithJsonSchema({"type": "integer", "minimum": 1, "default": 1}),
    Query(None),
]


class PageInvalid(InvalidInput):
    code = "request.page_invalid"
    message = _(
        "The page %(page)s is not a page number. Send a whole number from 1, such as "
        "page=2."
    )


PAGE_EMPTY = _(
    "The query parameter page is empty. Send a whole number from 1, such as page=2, "
    "or leave page out for the first page."
)


class PageNotFound(NotFound):
    code = "request.page_not_found"
    message = _(
        "The list has no page %(page)s, because its last page is %(pages)s. Ask for a "
        "page from 1 to %(pages)s."
    )


def whole_number(text: str) -> int | None:
    """Return the whole number that `text` writes in ASCII digits, with an optional
    minus sign, or None for any other text.

    It also returns None for a number of more digits than Python converts
    (sys.get_int_max_str_digits, 4300 by default), which no page or limit reaches.
    """
    if WHOLE_NUMBER.fullmatch(text) is None:
        return None
    try:
        return int(text)
    except ValueError:
        return None


def parse_page_number(text: str | None) -> int:
    """Return the page number that the query parameter `page` gives, 1 when it is
    absent, or raise PageInvalid for anything but a whole number from 1, the empty
    text included."""
    if text is None:
        return 1
    if text == "":
        raise PageInvalid(PAGE_EMPTY, page="")
    number = whole_number(text)
    if number is None or number < 1:
        raise PageInvalid(page=echoed(text))
    return number


def page_of(items: Any, number: int, per_page: int) -> Page[T]:
    """Return page `number` of `items`, or raise PageNotFound past the last page.

    An empty list has one page, which is empty.
    """
    paginator: Paginator[T] = Paginator(items, per_page)
    if number > paginator.num_pages:
        raise PageNotFound(page=number, pages=paginator.num_pages)
    return paginator.page(number)


class LimitOutOfRange(InvalidInput):
    code = "request.limit_out_of_range"
    message = _(
        "The limit %(limit)s is outside the range from %(min)s to %(max)s items a page. "
        "Send a limit in that range."
    )


class LimitInvalid(InvalidInput):
    code = "request.limit_invalid"
    message = _(
        "The limit %(limit)s is not a whole number. Send a whole number of items a "
        "page from %(min)s to %(max)s, or leave limit out for %(default)s."
    )


LIMIT_EMPTY = _(
    "The query parameter limit is empty. Send a whole number of items a page from "
    "%(min)s to %(max)s, or leave limit out for %(default)s."
)


@dataclass(frozen=True)
class PageSize:
    """The number of items a page of a list holds when a client sets it with `limit`."""

    default: int
    min: int
    max: int

    def json_schema(self) -> dict[str, Any]:
        """Return the OpenAPI schema of the query parameter `limit`, which an operation
        declares as text and reads with `parse`, as `PageNumberText` for `page`."""
        return {
            "type": "integer",
            "minimum": self.min,
            "maximum": self.max,
            "default": self.default,
        }

    def parse(self, text: str | None) -> int:
        """Return the page size that the query parameter `limit` gives, `default` when
        it is absent.

        Raise LimitInvalid for text that is not a whole number, the empty text
        included, and LimitOutOfRange for a number outside min to max.
        """
        if text is None:
            return self.default
        if text == "":
            raise LimitInvalid(
                LIMIT_EMPTY, limit="", min=self.min, max=self.max, default=self.default
            )
        limit = whole_number(text)
        if limit is None:
            raise LimitInvalid(
                limit=echoed(text), min=self.min, max=self.max, default=self.default
            )
        if not self.min <= limit <= self.max:
            raise LimitOutOfRange(limit=limit, min=self.min, max=self.max)
        return limit
