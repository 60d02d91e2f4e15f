"""The public ledger API (Django Ninja), mounted at /api/v1/ledger.

Errors are returned as {"code", "message", "details"} with the error's HTTP status by
the handlers themselves, so the router behaves the same wherever it is mounted.
"""

from __future__ import annotations

import base64
import functools
from collections.abc import Callable
from typing import Any

from django.http import HttpRequest, HttpResponse
from ninja import Router

from onestop.core.dates import api_datetime
from onestop.core.errors import OneStopError
from onestop.core.ledger import queries
from onestop.core.ledger.bundle import proof_bundle
from onestop.core.ledger.checkpoint import get_vkey
from onestop.core.ledger.errors import ParameterMissing

router = Router(tags=["ledger"])

TEXT = "text/plain; charset=utf-8"


def _numbers(location: str, *names: str, optional: tuple[str, ...] = ()) -> dict:
    """Describe parameters that the handler parses as numbers itself, for OpenAPI.

    The handlers take them as text so that a bad value gets the ledger's own error code
    (400), which leaves Django Ninja without the type to put in the document. These
    entries replace the ones Django Ninja generates (see `onestop.openapi`).
    """
    return {
        "parameters": [
            {
                "in": location,
                "name": name,
                "required": name not in optional,
                "schema": {"type": "integer", "minimum": 0},
                "x-parsed-by-handler": True,
            }
            for name in (*names, *optional)
        ]
    }


def _b64(value: bytes) -> str:
    return base64.b64encode(value).decode()


def _returns_errors(view: Callable[..., Any]) -> Callable[..., Any]:
    @functools.wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> Any:
        try:
            return view(request, *args, **kwargs)
        except OneStopError as error:
            return error.json_response()

    return wrapper


def _required_number(field: str, value: str | None) -> int:
    if value is None or value == "":
        raise ParameterMissing(field=field)
    return queries.parse_number(field, value)


@router.get("/checkpoint", auth=None, summary="Latest checkpoint as a signed note")
@_returns_errors
def checkpoint_text(request: HttpRequest) -> HttpResponse:
    return HttpResponse(queries.get_latest_checkpoint().note, content_type=TEXT)


@router.get("/checkpoint.json", auth=None, summary="Latest checkpoint as JSON")
@_returns_errors
def checkpoint_json(request: HttpRequest) -> Any:
    checkpoint = queries.get_latest_checkpoint()
    return {
        "id": checkpoint.pk,
        "size": checkpoint.size,
        "root_hash": _b64(bytes(checkpoint.root_hash)),
        "note": checkpoint.note,
        "published_at": api_datetime(checkpoint.published_at),
    }


@router.get(
    "/inclusion",
    auth=None,
    summary="Inclusion proof of one entry",
    openapi_extra=_numbers("query", "index", optional=("tree_size",)),
)
@_returns_errors
def inclusion(
    request: HttpRequest, index: str | None = None, tree_size: str | None = None
):
    leaf_index = _required_number("index", index)
    if tree_size is None or tree_size == "":
        size = queries.get_latest_checkpoint().size
    else:
        size = queries.parse_number("tree_size", tree_size)
    proof = queries.get_inclusion_proof(leaf_index, size)
    return {
        "index": leaf_index,
        "tree_size": size,
        "root_hash": _b64(queries.get_root(size)),
        "proof": [_b64(value) for value in proof],
    }


@router.get(
    "/consistency",
    auth=None,
    summary="Consistency proof between two tree sizes",
    openapi_extra=_numbers("query", "first", "second"),
)
@_returns_errors
def consistency(
    request: HttpRequest, first: str | None = None, second: str | None = None
):
    size1 = _required_number("first", first)
    size2 = _required_number("second", second)
    proof = queries.get_consistency_proof(size1, size2)
    return {"first": size1, "second": size2, "proof": [_b64(value) for value in proof]}


@router.get(
    "/entries/{index}",
    auth=None,
    summary="One integrated entry",
    openapi_extra=_numbers("path", "index"),
)
@_returns_errors
def entry(request: HttpRequest, index: str):
    return queries.entry_as_dict(
        queries.get_entry_at(queries.parse_number("index", index))
    )


@router.get(
    "/entries/{index}/proof",
    auth=None,
    summary="Offline proof bundle of one entry",
    openapi_extra=_numbers("path", "index"),
)
@_returns_errors
def entry_proof(request: HttpRequest, index: str) -> HttpResponse:
    found = queries.get_entry_at(queries.parse_number("index", index))
    return HttpResponse(proof_bundle(found), content_type=TEXT)


@router.get("/vkey", auth=None, summary="Verifier key of the checkpoint signatures")
@_returns_errors
def vkey(request: HttpRequest) -> HttpResponse:
    return HttpResponse(get_vkey() + "\n", content_type=TEXT)
