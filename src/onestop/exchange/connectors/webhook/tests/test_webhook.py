"""The webhook connector POSTs the signed envelope to a real HTTP server on 127.0.0.1."""

from __future__ import annotations

import json

import pytest

from onestop.cases.models import CaseState
from onestop.core import outbox
from onestop.core.models import OutboxMessage, OutboxStatus
from onestop.core.signing import public_keys_for, verify_document
from onestop.exchange.models import ConnectorKind, Envelope, EnvelopeStatus
from onestop.exchange.testing import (
    DepartmentKey,
    RecordingServer,
    accept_food_case,
    configure,
)

pytestmark = pytest.mark.django_db


def dispatch(demo, server: RecordingServer, **fields) -> OutboxMessage:
    configure(
        demo.market,
        ConnectorKind.WEBHOOK,
        DepartmentKey(),
        endpoint=f"{server.url}/envelopes",
        **fields,
    )
    case = accept_food_case(demo)
    message = OutboxMessage.objects.get(
        topic="exchange.dispatch", payload__case_id=case.pk
    )
    outbox.drain(max_rounds=1)
    message.refresh_from_db()
    return message


def test_envelope_posted_with_signature(demo):
    with RecordingServer() as server:
        message = dispatch(demo, server)
    assert message.status == OutboxStatus.DELIVERED
    assert len(server.requests) == 1
    request = server.requests[0]
    body = json.loads(request.body)
    assert request.path == "/envelopes"
    assert verify_document(
        body["envelope"], body["signature"], public_keys_for(demo.centre)
    )
    envelope = Envelope.objects.get()
    assert request.headers["Idempotency-Key"] == envelope.idempotency_key
    assert body["envelope"]["envelope_id"] == str(envelope.pk)
    assert envelope.status == EnvelopeStatus.DELIVERED
    assert envelope.case.state == CaseState.ACCEPTED


def test_server_error_is_retried_with_same_envelope(demo):
    with RecordingServer([(503, {}, 0.0), (202, {}, 0.0)]) as server:
        message = dispatch(demo, server)
        assert message.status == OutboxStatus.PENDING
        assert message.attempts == 1
        assert "HTTP 503" in message.last_error
        OutboxMessage.objects.filter(pk=message.pk).update(
            available_at=message.created_at
        )
        outbox.drain(max_rounds=1)
    message.refresh_from_db()
    assert message.status == OutboxStatus.DELIVERED
    first, second = (json.loads(r.body)["envelope"] for r in server.requests)
    assert first == second
    assert Envelope.objects.get().attempts == 2


def test_redirect_is_dead_letter_and_not_followed(demo):
    with RecordingServer() as target:
        redirect = [(307, {"Location": f"{target.url}/elsewhere"}, 0.0)]
        with RecordingServer(redirect) as server:
            message = dispatch(demo, server)
    assert message.status == OutboxStatus.DEAD
    assert "redirect" in message.last_error
    assert target.requests == []


def test_client_error_is_dead_letter(demo):
    with RecordingServer([(400, {}, 0.0)]) as server:
        message = dispatch(demo, server)
    assert message.status == OutboxStatus.DEAD
    assert "HTTP 400" in message.last_error


def test_timeout_is_retried(demo):
    with RecordingServer([(202, {}, 1.0)]) as server:
        message = dispatch(demo, server, timeout_seconds=0.2)
    assert message.status == OutboxStatus.PENDING
    assert "timed out" in message.last_error


def test_connector_attempts_limit_makes_dead_letter(demo):
    with RecordingServer([(503, {}, 0.0)]) as server:
        message = dispatch(demo, server, max_attempts=1)
    assert message.status == OutboxStatus.DEAD
    assert message.max_attempts == 1
