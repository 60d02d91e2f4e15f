"""Authentication of pull requests: each one is signed with the department's key.

A department sends three headers with each request to /api/v1/exchange/pull/...:
`X-OneStop-Timestamp` (ISO 8601 with an offset), `X-OneStop-Key-Id` and
`X-OneStop-Signature` (unpadded base64url). The signature covers the canonical JSON of
{"method", "path", "timestamp", "body_sha256"} (`signatures.request_document`).
"""

from __future__ import annotations

import datetime

from django.http import HttpRequest
from django.utils import timezone

from onestop.core.errors import echoed, listed
from onestop.core.models import Department
from onestop.exchange.callbacks import check_body_size, check_clock
from onestop.exchange.conf import setting
from onestop.exchange.errors import (
    DepartmentNotFound,
    DepartmentNotPull,
    SignatureInvalid,
    SignatureMissing,
    TimestampInvalid,
)
from onestop.exchange.models import (
    ConnectorConfig,
    ConnectorKind,
    Envelope,
    EnvelopeStatus,
)
from onestop.exchange.signatures import request_document, verify_department_signature

TIMESTAMP_HEADER = "X-OneStop-Timestamp"
KEY_ID_HEADER = "X-OneStop-Key-Id"
SIGNATURE_HEADER = "X-OneStop-Signature"
MAX_ENVELOPES_PER_POLL = 50


def authenticate_pull(request: HttpRequest, department_id: int) -> ConnectorConfig:
    """Return the connector of a pull department whose key signed this request.

    The signature headers and the time are checked before the department is looked
    up, and the signature before the connector kind, so that a caller who cannot sign
    learns neither a department's credit code nor its connector kind. A department
    without a connector key rejects every signature.

    Raises CallbackTooLarge, SignatureMissing, TimestampInvalid, CallbackStale,
    CallbackFromFuture, DepartmentNotFound, SignatureInvalid or DepartmentNotPull.
    """
    check_body_size(request.body)
    _check_headers_present(request)
    timestamp = request.headers.get(TIMESTAMP_HEADER, "")
    _check_timestamp(timestamp)
    department = Department.objects.filter(pk=department_id).first()
    if department is None:
        raise DepartmentNotFound(department=str(department_id))

    # Looked up without connector_for, which would save a default connector for a
    # caller who has not been authenticated yet.
    config = ConnectorConfig.objects.filter(department=department).first()
    if config is None:
        raise SignatureInvalid(department=str(department_id))
    document = request_document(
        request.method or "", request.path, timestamp, request.body
    )
    signature = {
        "alg": config.key_algorithm,
        "kid": request.headers.get(KEY_ID_HEADER, ""),
        "sig": request.headers.get(SIGNATURE_HEADER, ""),
    }
    if not verify_department_signature(config, document, signature):
        raise SignatureInvalid(department=str(department_id))
    if config.kind != ConnectorKind.PULL:
        raise DepartmentNotPull(department=department.uscc)
    return config


def _check_headers_present(request: HttpRequest) -> None:
    missing = [
        header
        for header in (TIMESTAMP_HEADER, KEY_ID_HEADER, SIGNATURE_HEADER)
        if not request.headers.get(header, "").strip()
    ]
    if missing:
        raise SignatureMissing(missing=listed(missing))


def _check_timestamp(timestamp: str) -> None:
    """Raise TimestampInvalid for a time that is not ISO 8601 with an offset, or the
    error of check_clock when it is more than 300 seconds from OneStop's clock.
    """
    try:
        sent = datetime.datetime.fromisoformat(timestamp)
    except ValueError:
        sent = None
    if sent is None or sent.tzinfo is None:
        raise TimestampInvalid(header=TIMESTAMP_HEADER, value=echoed(timestamp))
    window = int(setting("ONESTOP_EXCHANGE_CLOCK_WINDOW_SECONDS"))
    check_clock(timestamp, sent, now=timezone.now(), max_age=window, skew=window)


def waiting_envelopes(config: ConnectorConfig) -> list[Envelope]:
    """Return the oldest envelopes the department has not acknowledged yet."""
    rows = Envelope.objects.filter(
        centre_id=config.centre_id,
        department_id=config.department_id,
        status=EnvelopeStatus.AWAITING_PULL,
    ).order_by("created_at", "pk")
    return list(rows[:MAX_ENVELOPES_PER_POLL])
