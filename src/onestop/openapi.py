"""The error responses of the OpenAPI document of /api/v1.

Every error of the API has the body {"code", "message", "details"}. Django Ninja lists
only the responses a route declares, so `add_error_responses` adds the error statuses
each operation can return: some follow from the operation's shape (authentication, path
parameters, input), the others are listed in `ERRORS_BY_OPERATION`.
"""

from __future__ import annotations

from typing import Any

API_PREFIX = "/api/v1"
UNSAFE_METHODS = {"post", "put", "patch", "delete"}

ERROR_SCHEMA = {
    "title": "Error",
    "type": "object",
    "required": ["code", "message", "details"],
    "properties": {
        "code": {
            "type": "string",
            "description": "Stable error code, for example case.not_found",
        },
        "message": {
            "type": "string",
            "description": "What failed and what to do next, in the request's language",
        },
        "details": {
            "type": "object",
            "description": "The values the message names, by name",
        },
    },
}

ERROR_DESCRIPTIONS = {
    400: "Invalid input or a body that is not valid JSON",
    401: "No valid token or session, or a failed signature or consent token",
    403: (
        "The caller's role may not do this, the account is deactivated, or a session "
        "request lacks its CSRF token"
    ),
    404: "Not found, or not visible to the caller",
    409: "The record is in a state that does not allow this",
    413: "An upload or a message that is too large",
    415: (
        "An upload whose bytes are not PDF, JPEG or PNG or do not match its name, or a "
        "body that is not multipart where multipart is required"
    ),
    422: "The request does not match the API schema (code request.invalid)",
    429: "Too many requests; the Retry-After header says when to try again",
    500: "The server failed to handle the request and changed nothing (internal_error)",
}

# Statuses that do not follow from an operation's shape, keyed by "METHOD path" below
# /api/v1. A test fails when a key names no operation of the API.
ERRORS_BY_OPERATION: dict[str, tuple[int, ...]] = {
    "POST /auth/token": (401, 403, 429),
    "POST /identity/persons": (409,),
    "POST /identity/enterprises": (404, 409),
    "POST /cases": (404, 413, 415),
    "POST /cases/window": (404, 409, 413, 415),
    "GET /cases": (400, 404),
    "GET /cases/{number}/receipt": (),
    "POST /cases/{number}/accept": (409,),
    "POST /cases/{number}/refuse": (409,),
    "POST /cases/{number}/correction": (409,),
    "POST /cases/{number}/resubmit": (409, 413, 415),
    "POST /cases/{number}/approve": (409,),
    "POST /cases/{number}/deny": (409,),
    "POST /cases/{number}/deliver": (409,),
    "POST /cases/{number}/withdraw": (409,),
    "POST /cases/{number}/posting": (409,),
    "POST /cases/{number}/posting/correct": (409,),
    "POST /cases/{number}/special-procedure": (409,),
    "POST /cases/{number}/special-procedure/end": (409,),
    "POST /cases/{number}/extensions": (409,),
    "POST /cases/extensions/{extension_id}/approve": (409,),
    "POST /cases/extensions/{extension_id}/reject": (409,),
    "GET /ledger/inclusion": (400, 404, 409),
    "GET /ledger/consistency": (400, 404, 409),
    "GET /ledger/entries/{index}": (400, 409),
    "GET /ledger/entries/{index}/proof": (400, 409),
    "GET /ledger/checkpoint": (404,),
    "GET /ledger/checkpoint.json": (404,),
    "POST /ratings/cases/{number}": (409,),
    "PUT /ratings/{rating_id}": (409,),
    "POST /ratings/links/{token}": (409,),
    "POST /ratings/visits/{visit_id}/links": (409,),
    "POST /ratings/cases/{number}/links": (409,),
    "GET /ratings/rectifications": (400, 403),
    "GET /ratings/rectifications/{rectification_id}": (403,),
    "POST /ratings/rectifications/{rectification_id}/callback": (409,),
    "POST /ratings/rectifications/{rectification_id}/close": (409,),
    "POST /ratings/rectifications/{rectification_id}/appeal": (409,),
    "POST /ratings/rectifications/{rectification_id}/decision": (409,),
    "POST /ratings/cases/{number}/fix-rating": (409,),
    "GET /ratings/stats": (400, 403),
    "GET /ratings/public": (400,),
    "POST /exchange/callbacks": (401, 403, 404, 409, 413),
    "GET /exchange/pull/{department_id}/envelopes": (401,),
    "POST /exchange/pull/{department_id}/ack": (401,),
    "GET /credit/centres/{slug}/records": (400, 403),
    "POST /credit/centres/{slug}/records/{record_id}/corrections": (409,),
    "POST /credit/centres/{slug}/records/{record_id}/revocation": (409,),
    "GET /credit/consents": (403,),
    "GET /credit/reports": (400, 401, 404, 409),
    "POST /credit/reports": (401, 404, 409),
    "GET /certificates/{identifier}/verification": (400, 429),
    "GET /certificates/{identifier}/proof": (400, 429),
    "GET /certificates/{identifier}/signed": (400,),
    "GET /certificates/{identifier}/pdf": (400,),
    "POST /certificates/{identifier}/revoke": (409,),
    "GET /centres/{slug}/window/cases": (400,),
    "GET /centres/{slug}/staff": (403,),
    "GET /centres/{slug}/enterprises/{uscc}/agencies": (403, 404),
    "POST /centres/{slug}/agencies/{agency_id}/verify": (403, 404, 409),
    "POST /centres/{slug}/agencies/{agency_id}/reject": (403, 404, 409),
    "POST /centres/{slug}/staff": (409,),
    "DELETE /centres/{slug}/staff/{role_id}": (409,),
    "POST /centres/{slug}/accounts/{username}/deactivate": (409,),
}


def add_error_responses(schema: dict[str, Any]) -> dict[str, Any]:
    """Add the Error schema and each operation's error responses to an OpenAPI document."""
    schema.setdefault("components", {}).setdefault("schemas", {})["Error"] = (
        ERROR_SCHEMA
    )
    for path, operations in schema.get("paths", {}).items():
        for method, operation in operations.items():
            _merge_parameters(operation)
            key = f"{method.upper()} {path.removeprefix(API_PREFIX)}"
            responses = operation.setdefault("responses", {})
            for status in sorted(error_statuses(key, method, operation)):
                responses.setdefault(status, _error_response(status))
    return schema


def error_statuses(key: str, method: str, operation: dict[str, Any]) -> set[int]:
    """Return the error statuses an operation can respond with."""
    parameters = operation.get("parameters", [])
    statuses = {500, *ERRORS_BY_OPERATION.get(key, ())}
    if operation.get("security"):
        # A token or session of a deactivated account gets 403 on every method.
        statuses.update((401, 403))
    if any(parameter["in"] == "path" for parameter in parameters):
        statuses.add(404)
    # A GET operation rejects a query parameter that it does not read with 422.
    if (
        method == "get"
        or operation.get("requestBody")
        or any(map(_validated, parameters))
    ):
        statuses.add(422)
    if method in UNSAFE_METHODS:
        statuses.add(400)
    return statuses


def _merge_parameters(operation: dict[str, Any]) -> None:
    """Let a parameter from a route's `openapi_extra` replace the generated one.

    Django Ninja appends the `openapi_extra` parameters to the generated list, so a
    parameter with the same location and name would appear twice.
    """
    merged: dict[tuple[str, str], dict[str, Any]] = {}
    for parameter in operation.get("parameters", []):
        merged[(parameter["in"], parameter["name"])] = parameter
    if merged:
        operation["parameters"] = list(merged.values())


def _validated(parameter: dict[str, Any]) -> bool:
    """Tell whether Django Ninja can reject the parameter's value with 422.

    It rejects a missing required query parameter and a value that does not parse as the
    parameter's type. A path string always parses, and a missing path returns 404. A
    parameter marked `x-parsed-by-handler` is text to Django Ninja, and the handler
    returns 400 for a bad value.
    """
    if parameter.get("x-parsed-by-handler"):
        return False
    if parameter.get("schema", {}).get("type") != "string":
        return True
    return parameter["in"] == "query" and bool(parameter.get("required"))


def _error_response(status: int) -> dict[str, Any]:
    return {
        "description": ERROR_DESCRIPTIONS[status],
        "content": {
            "application/json": {"schema": {"$ref": "#/components/schemas/Error"}}
        },
    }
