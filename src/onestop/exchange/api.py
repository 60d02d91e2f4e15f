"""Endpoints for department systems under /api/v1/exchange.

Departments do not sign in: every request carries the department's signature (on the
callback document, or in the X-OneStop-* headers of pull requests), so these routes
take no session or token. Errors are {"code", "message", "details"} with the error's
HTTP status.
"""

from __future__ import annotations

import uuid
from typing import Any

from django.http import HttpRequest
from ninja import Router, Schema

from onestop.core import json_input
from onestop.core.errors import InvalidInput
from onestop.core.schema_errors import json_type_name
from onestop.exchange import actions
from onestop.exchange.callbacks import check_body_size
from onestop.exchange.conf import setting
from onestop.exchange.errors import CallbackInvalid, CallbackTooLarge
from onestop.exchange.problems import listed_problems
from onestop.exchange.pull import authenticate_pull, waiting_envelopes

router = Router(tags=["exchange"])
# The most envelope ids that one acknowledgement of pulled envelopes may name.
MAX_ACKNOWLEDGED_IDS = 500


class CallbackReceiptOut(Schema):
    receipt: dict[str, Any]
    signature: dict[str, str]
    duplicate: bool


class EnvelopesOut(Schema):
    envelopes: list[dict[str, Any]]


class AckOut(Schema):
    acknowledged: list[str]
    unknown: list[str]


def _body(request: HttpRequest) -> bytes:
    """Return the request body, rejecting a declared oversize body before reading it."""
    limit = int(setting("ONESTOP_EXCHANGE_MAX_BODY_BYTES"))
    declared = int(request.headers.get("Content-Length") or 0)
    if declared > limit:
        raise CallbackTooLarge(size=declared, limit=limit)
    body = request.body
    check_body_size(body)
    return body


@router.post(
    "/callbacks", auth=None, response=CallbackReceiptOut, url_name="exchange_callback"
)
def post_callback(request: HttpRequest) -> dict[str, Any]:
    """Receive a signed result from a department and return OneStop's signed receipt.

    Statuses: received, correction_needed (items), approved (opinion and result, both
    optional), denied (opinion).
    A resent callback with the same id and content returns the first receipt.
    """
    return actions.receive_callback(_body(request))


@router.get("/pull/{department_id}/envelopes", auth=None, response=EnvelopesOut)
def pull_envelopes(request: HttpRequest, department_id: int) -> dict[str, Any]:
    """List up to 50 envelopes the department has not acknowledged, oldest first."""
    config = authenticate_pull(request, department_id)
    rows = waiting_envelopes(config)
    return {"envelopes": [{"envelope": e.body, "signature": e.signature} for e in rows]}


@router.post("/pull/{department_id}/ack", auth=None, response=AckOut)
def acknowledge(request: HttpRequest, department_id: int) -> dict[str, Any]:
    """Acknowledge fetched envelopes: {"envelope_ids": ["<uuid>", ...]}."""
    body = _body(request)
    config = authenticate_pull(request, department_id)
    return actions.acknowledge_envelopes(
        config=config, envelope_ids=_envelope_ids(body)
    )


def _envelope_ids(body: bytes) -> list[str]:
    try:
        ids = json_input.loads(body)["envelope_ids"]
    except (ValueError, KeyError, TypeError, InvalidInput) as error:
        problem = {"location": "", "code": "schema.required", "member": "envelope_ids"}
        raise CallbackInvalid(**listed_problems([problem])) from error
    if not isinstance(ids, list):
        problem = {
            "location": "envelope_ids",
            "code": "schema.type",
            "sent": json_type_name(ids),
            "expected": "array",
        }
        raise CallbackInvalid(**listed_problems([problem]))
    if len(ids) > MAX_ACKNOWLEDGED_IDS:
        problem = {
            "location": "envelope_ids",
            "code": "schema.too_many_items",
            "count": len(ids),
            "limit": MAX_ACKNOWLEDGED_IDS,
        }
        raise CallbackInvalid(**listed_problems([problem]))
    problems = []
    for index, value in enumerate(ids):
        try:
            uuid.UUID(str(value))
        except ValueError:
            location = f"envelope_ids/{index}"
            problems.append(
                {"location": location, "code": "schema.format", "format": "uuid"}
            )
    if problems:
        raise CallbackInvalid(**listed_problems(problems))
    return [str(uuid.UUID(str(value))) for value in ids]
