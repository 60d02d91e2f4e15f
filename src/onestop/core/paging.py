"""Page numbers of the lists that the API and the pages show one page at a time.

A page past the end is an error, not the last page, so that a client that asks for
the next page until the list ends stops. The API and the pages read the number with
the same rule.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, TypeVar

from django.core.paginator import Page, Paginator
from django.utils.translation import gettext_lazy as _

from onestop.core.errors import InvalidInput, NotFound, echoed

T = TypeVar("T")


class PageInvalid(InvalidInput):
    code = "request.page_invalid"
    message = _(
        "The page %(page)s is not a page number. Send a whole number from 1, such as "
        "page=2."
    )


class PageNotFound(NotFound):
    code = "request.page_not_found"
    message = _(
        "The list has no page %(page)s, because its last page is %(pages)s. Ask for a "
        "page from 1 to %(pages)s."
    )


def parse_page_number(text: str | None) -> int:
    """Return the page number that the query parameter `page` gives, 1 when it is
    absent or empty, or raise PageInvalid for anything but ASCII digits above 0."""
    if text is None or text == "":
        return 1
    if not (text.isascii() and text.isdigit()) or int(text) < 1:
        raise PageInvalid(page=echoed(text))
    return int(text)


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


@dataclass(frozen=True)
class PageSize:
    """The number of items a page of a list holds when a client sets it with `limit`."""

    default: int
    min: int
    max: int

    def check(self, limit: int) -> int:
        """Return `limit`, or raise LimitOutOfRange when it is outside min to max."""
        if not self.min <= limit <= self.max:
            raise LimitOutOfRange(limit=limit, min=self.min, max=self.max)
        return limit
