"""Reject the query parameters that an operation of the API does not read.

Django Ninja reads the query parameters that an operation declares and ignores any
other name, so a misspelt filter such as ?from= for ?start= would get 200 and
unfiltered data, and a ?dry_run=1 on a POST would do the write. The decorator
`reject_unknown_query_names`, added to the whole API, rejects such a request with 422
request.invalid (extra_forbidden), as for an unknown JSON member, on every method. HEAD
runs the GET operation (see ApiMethodNotAllowedMiddleware), so the same rule covers it.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.core.exceptions import ImproperlyConfigured
from django.http import HttpRequest
from ninja.operation import Operation

from onestop.core.schema_errors import check_query_names

# The attribute of a view function that lists the query parameters it reads from
# request.GET itself, set by `reads_query_names`.
NAMES_READ_BY_HAND = "onestop_query_names_read_by_hand"


def reads_query_names[F: Callable[..., Any]](*names: str) -> Callable[[F], F]:
    """Mark a view function with the query parameters that it reads from request.GET
    itself, so that the check accepts them beside the ones its signature declares."""

    def mark(view_func: F) -> F:
        setattr(view_func, NAMES_READ_BY_HAND, frozenset(names))
        return view_func

    return mark


def declared_query_names(operation: Operation) -> frozenset[str]:
    """Return the query parameter names of an operation's signature.

    The fields of a `Query[Schema]` parameter count one by one, as Django Ninja reads
    them from the query string.
    """
    names: set[str] = set()
    for model in operation.models:
        if model.__ninja_param_source__ == "query":
            names.update(getattr(model, "__ninja_flatten_map__", {}))
    return frozenset(names)


def accepted_query_names(view_func: Callable[..., Any]) -> frozenset[str]:
    """Return the query parameters that an operation's view function reads."""
    # Django Ninja 1.7 sets `_ninja_operation` on every function that a router
    # decorator registers.
    operation = getattr(view_func, "_ninja_operation", None)
    if not isinstance(operation, Operation):
        raise ImproperlyConfigured(
            f"{view_func.__qualname__} has no Django Ninja operation, so its query "
            "parameters are unknown. Register it with a router decorator."
        )
    return declared_query_names(operation) | getattr(
        view_func, NAMES_READ_BY_HAND, frozenset()
    )


def reject_unknown_query_names[F: Callable[..., Any]](view_func: F) -> F:
    """Wrap an operation's view function so that it raises SchemaMismatch for each
    query parameter it does not read, before it runs.

    Django Ninja applies an API decorator of mode "operation" to the view function, so
    the check runs after authentication and the validation of the declared parameters
    and the body, and before a write changes anything.
    """
    names = accepted_query_names(view_func)

    @wraps(view_func)
    def checked(request: HttpRequest, *args: Any, **kwargs: Any) -> Any:
        check_query_names(request, names)
        return view_func(request, *args, **kwargs)

    return checked  # type: ignore[return-value]
