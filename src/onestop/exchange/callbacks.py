"""Parsing and checking of department callbacks, and the receipts OneStop signs for them.

A callback is the JSON {"callback": {...}, "signature": {...}} of
schemas/callback.schema.json. Two callbacks with the same callback id are duplicates
when they agree in everything but `sent_at`: a department may re-sign a resent
callback with a new time.
"""

from __future__ import annotations

import datetime
import json
import uuid
from functools import cache
from pathlib import Path
from typing import Any

import jsonschema
from django.utils import timezone
from django.utils.translation import ngettext

from onestop.cases.reasons import clean_reason
from onestop.core import json_input
from onestop.core.canonical import canonical_json, sha256_hex
from onestop.core.json_input import NestingTooDeep
from onestop.exchange.conf import setting
from onestop.exchange.errors import (
    CallbackFromFuture,
    CallbackInvalid,
    CallbackOpinionRequired,
    CallbackOpinionTooLong,
    CallbackReasonRemoved,
    CallbackStale,
    CallbackTooLarge,
)
from onestop.exchange.problems import json_body_problem, listed_problems, schema_problem

SCHEMA_DIR = Path(__file__).resolve().parent / "schemas"
RECEIPT_TYPE = "onestop.exchange.receipt"
# A callback may arrive this long after it was signed, for a department whose own
# queue was down, in seconds.
CALLBACK_MAX_AGE_SECONDS = 24 * 3600


@cache
def _validator(name: str) -> jsonschema.protocols.Validator:
    schema = json.loads((SCHEMA_DIR / name).read_text(encoding="utf-8"))
    checker = jsonschema.Draft202012Validator.FORMAT_CHECKER
    return jsonschema.Draft202012Validator(schema, format_checker=checker)


def check_body_size(raw: bytes) -> None:
    """Raise CallbackTooLarge for a body over ONESTOP_EXCHANGE_MAX_BODY_BYTES."""
    limit = int(setting("ONESTOP_EXCHANGE_MAX_BODY_BYTES"))
    if len(raw) > limit:
        raise CallbackTooLarge(size=len(raw), limit=limit)


def parse_callback(raw: bytes) -> dict[str, Any]:
    """Parse and validate a callback message. Raise CallbackTooLarge or CallbackInvalid."""
    check_body_size(raw)
    try:
        message = json_input.loads(raw)
    except (ValueError, NestingTooDeep) as error:
        problem = json_body_problem(error)
        position = {
            name: problem[name] for name in ("line", "column") if name in problem
        }
        raise CallbackInvalid(**listed_problems([problem]), **position) from error
    check_no_reason_member(message)
    errors = sorted(_validator("callback.schema.json").iter_errors(message), key=str)
    if errors:
        raise CallbackInvalid(
            **listed_problems([schema_problem(error) for error in errors])
        )
    return message


def check_no_reason_member(message: Any) -> None:
    """Raise CallbackReasonRemoved for a callback with `reason`, the old name of `opinion`.

    The schema alone would reject the member as unknown. This error tells a
    department system built against the old name where the text goes now.
    """
    callback = message.get("callback") if isinstance(message, dict) else None
    if isinstance(callback, dict) and "reason" in callback:
        raise CallbackReasonRemoved(member="callback.reason", use="callback.opinion")


def check_fresh(sent_at: str, *, now: datetime.datetime | None = None) -> None:
    """Raise CallbackStale when `sent_at` is over 24 hours old, or CallbackFromFuture
    when it is more than ONESTOP_EXCHANGE_CLOCK_WINDOW_SECONDS ahead.
    """
    now = now or timezone.now()
    try:
        sent = datetime.datetime.fromisoformat(sent_at)
    except ValueError as error:
        problem = {
            "location": "callback/sent_at",
            "code": "schema.format",
            "format": "date-time",
        }
        raise CallbackInvalid(**listed_problems([problem])) from error
    if sent.tzinfo is None:
        sent = sent.replace(tzinfo=datetime.UTC)
    skew = int(setting("ONESTOP_EXCHANGE_CLOCK_WINDOW_SECONDS"))
    check_clock(sent_at, sent, now=now, max_age=CALLBACK_MAX_AGE_SECONDS, skew=skew)


def check_clock(
    text: str,
    sent: datetime.datetime,
    *,
    now: datetime.datetime,
    max_age: int,
    skew: int,
) -> None:
    """Raise CallbackStale when `sent` is more than `max_age` seconds before `now`, or
    CallbackFromFuture when it is more than `skew` seconds after. `text` is the time as
    the sender wrote it.
    """
    age = (now - sent).total_seconds()
    if age > max_age:
        raise CallbackStale(
            sent_at=text,
            limit=duration_text(max_age),
            limit_seconds=max_age,
            now=now.isoformat(timespec="seconds"),
        )
    if age < -skew:
        raise CallbackFromFuture(
            sent_at=text,
            limit=duration_text(skew),
            limit_seconds=skew,
            now=now.isoformat(timespec="seconds"),
        )


def duration_text(seconds: int) -> str:
    """Name a time limit in whole hours when it is one, else in seconds."""
    if seconds and seconds % 3600 == 0:
        hours = seconds // 3600
        return ngettext("%(count)s hour", "%(count)s hours", hours) % {"count": hours}
    return ngettext("%(count)s second", "%(count)s seconds", seconds) % {
        "count": seconds
    }


def decision_opinion(callback: dict[str, Any]) -> str:
    """Return the review opinion of an approved or denied callback, trimmed.

    A denial must carry it, and an approval may leave it out. Either way it has at most
    reasons.MAX_LENGTH characters, as a reviewer's opinion. Raise CallbackOpinionRequired
    or CallbackOpinionTooLong, which name the member.
    """
    required = callback["status"] == "denied"
    return clean_reason(
        callback.get("opinion", ""),
        missing=CallbackOpinionRequired(member="callback.opinion")
        if required
        else None,
        too_long=CallbackOpinionTooLong,
        member="callback.opinion",
    )


def content_digest(callback: dict[str, Any]) -> str:
    """Return the SHA-256 of a callback without its `sent_at`, to spot duplicates."""
    content = {key: value for key, value in callback.items() if key != "sent_at"}
    return sha256_hex(canonical_json(content))


def build_receipt(
    callback: dict[str, Any], *, case_state: str, callback_sha256: str
) -> dict[str, Any]:
    """Build the unsigned receipt of an applied callback."""
    return {
        "type": RECEIPT_TYPE,
        "receipt_id": str(uuid.uuid4()),
        "callback_id": callback["callback_id"],
        "envelope_id": callback["envelope_id"],
        "case_number": callback["case_number"],
        "status": callback["status"],
        "case_state": case_state,
        "callback_sha256": callback_sha256,
        "received_at": timezone.now().isoformat(),
    }
