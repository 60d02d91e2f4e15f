"""The pull connector: the department polls with signed requests and acknowledges."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import pytest

from onestop.core import outbox
from onestop.exchange.models import ConnectorKind, Envelope, EnvelopeStatus
from onestop.exchange.signatures import request_document, sign_as_department
from onestop.exchange.testing import DepartmentKey, accept_food_case, configure

pytestmark = pytest.mark.django_db


@pytest.fixture
def key() -> DepartmentKey:
    return DepartmentKey()


@pytest.fixture
def pull_department(demo, key):
    configure(demo.market, ConnectorKind.PULL, key)
    accept_food_case(demo)
    outbox.drain()
    return demo.market


def signed_request(client, method, path, key, body=b"", *, at=None):
    timestamp = (at or datetime.now(UTC)).isoformat()
    signature = sign_as_department(
        request_document(method, path, timestamp, body), private_key=key.seed
    )
    headers = {
        "X-OneStop-Timestamp": timestamp,
        "X-OneStop-Key-Id": signature["kid"],
        "X-OneStop-Signature": signature["sig"],
    }
    if method == "GET":
        return client.get(path, headers=headers)
    return client.post(path, body, content_type="application/json", headers=headers)


def test_poll_returns_waiting_envelopes(client, key, pull_department):
    path = f"/api/v1/exchange/pull/{pull_department.pk}/envelopes"
    response = signed_request(client, "GET", path, key)
    assert response.status_code == 200, response.content
    envelopes = response.json()["envelopes"]
    assert len(envelopes) == 1
    assert envelopes[0]["envelope"]["envelope_id"] == str(Envelope.objects.get().pk)
    assert envelopes[0]["signature"]["alg"] == "ed25519"


def test_acknowledged_envelope_leaves_the_queue(client, key, pull_department):
    envelope = Envelope.objects.get()
    body = json.dumps({"envelope_ids": [str(envelope.pk)]}).encode()
    ack = f"/api/v1/exchange/pull/{pull_department.pk}/ack"
    response = signed_request(client, "POST", ack, key, body)
    assert response.status_code == 200, response.content
    assert response.json() == {"acknowledged": [str(envelope.pk)], "unknown": []}
    envelope.refresh_from_db()
    assert envelope.status == EnvelopeStatus.ACKNOWLEDGED
    path = f"/api/v1/exchange/pull/{pull_department.pk}/envelopes"
    assert signed_request(client, "GET", path, key).json()["envelopes"] == []


def test_poll_with_other_key_rejected(client, pull_department):
    path = f"/api/v1/exchange/pull/{pull_department.pk}/envelopes"
    response = signed_request(client, "GET", path, DepartmentKey())
    assert response.status_code == 401
    assert response.json()["code"] == "exchange.signature_invalid"


def test_poll_without_signature_rejected(client, pull_department):
    response = client.get(f"/api/v1/exchange/pull/{pull_department.pk}/envelopes")
    assert response.status_code == 401
    body = response.json()
    assert body["code"] == "exchange.signature_missing"
    assert body["details"]["missing"] == [
        "X-OneStop-Timestamp",
        "X-OneStop-Key-Id",
        "X-OneStop-Signature",
    ]
    assert "X-OneStop-Timestamp" in body["message"]


def test_poll_without_signature_header_names_it(client, pull_department):
    response = client.get(
        f"/api/v1/exchange/pull/{pull_department.pk}/envelopes",
        headers={
            "X-OneStop-Timestamp": datetime.now(UTC).isoformat(),
            "X-OneStop-Key-Id": "abc",
        },
    )
    assert response.status_code == 401
    assert response.json()["details"]["missing"] == ["X-OneStop-Signature"]


def test_poll_with_unreadable_timestamp_rejected(client, pull_department):
    response = client.get(
        f"/api/v1/exchange/pull/{pull_department.pk}/envelopes",
        headers={
            "X-OneStop-Timestamp": "2026-12-05 10:00",
            "X-OneStop-Key-Id": "abc",
            "X-OneStop-Signature": "abc",
        },
    )
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "exchange.timestamp_invalid"
    assert "2026-12-05 10:00" in body["message"]


def test_old_signed_request_rejected(client, key, pull_department):
    path = f"/api/v1/exchange/pull/{pull_department.pk}/envelopes"
    old = datetime.now(UTC) - timedelta(hours=1)
    response = signed_request(client, "GET", path, key, at=old)
    assert response.status_code == 409
    body = response.json()
    assert body["code"] == "exchange.replay_stale"
    assert "more than 300 seconds before OneStop's clock" in body["message"]
    assert body["details"]["limit_seconds"] == 300


def test_request_signed_for_other_path_rejected(client, demo, key, pull_department):
    other = demo.centre.department_set.exclude(pk=pull_department.pk).first()
    configure(other, ConnectorKind.PULL, key)
    timestamp = datetime.now(UTC).isoformat()
    signature = sign_as_department(
        request_document(
            "GET", f"/api/v1/exchange/pull/{other.pk}/envelopes", timestamp, b""
        ),
        private_key=key.seed,
    )
    response = client.get(
        f"/api/v1/exchange/pull/{pull_department.pk}/envelopes",
        headers={
            "X-OneStop-Timestamp": timestamp,
            "X-OneStop-Key-Id": signature["kid"],
            "X-OneStop-Signature": signature["sig"],
        },
    )
    assert response.status_code == 401


def test_worklist_department_cannot_poll(client, demo, key):
    other = demo.centre.department_set.exclude(pk=demo.market.pk).first()
    configure(other, ConnectorKind.WORKLIST, key)
    path = f"/api/v1/exchange/pull/{other.pk}/envelopes"
    response = signed_request(client, "GET", path, key)
    assert response.status_code == 404
    assert response.json()["code"] == "exchange.not_pull_department"
    assert other.uscc in response.json()["message"]


def test_unsigned_poll_of_worklist_department_reveals_nothing(client, demo):
    other = demo.centre.department_set.exclude(pk=demo.market.pk).first()
    configure(other, ConnectorKind.WORKLIST, DepartmentKey())
    response = client.get(f"/api/v1/exchange/pull/{other.pk}/envelopes")
    assert response.status_code == 401
    assert response.json()["code"] == "exchange.signature_missing"
    assert other.uscc not in response.content.decode()


def test_badly_signed_poll_of_worklist_department_hides_kind(client, demo):
    other = demo.centre.department_set.exclude(pk=demo.market.pk).first()
    configure(other, ConnectorKind.WORKLIST, DepartmentKey())
    path = f"/api/v1/exchange/pull/{other.pk}/envelopes"
    response = signed_request(client, "GET", path, DepartmentKey())
    assert response.status_code == 401
    body = response.json()
    assert body["code"] == "exchange.signature_invalid"
    assert body["details"]["department"] == str(other.pk)
    assert other.uscc not in response.content.decode()


def test_department_without_connector_key_rejects_signature(client, demo, key):
    other = demo.centre.department_set.exclude(pk=demo.market.pk).first()
    path = f"/api/v1/exchange/pull/{other.pk}/envelopes"
    response = signed_request(client, "GET", path, key)
    assert response.status_code == 401
    assert response.json()["code"] == "exchange.signature_invalid"


@pytest.mark.parametrize("department", ["99999999999999999999", "999999"])
def test_poll_of_unknown_department_not_found(client, key, department):
    path = f"/api/v1/exchange/pull/{department}/envelopes"
    response = signed_request(client, "GET", path, key)
    assert response.status_code == 404
    body = response.json()
    assert body["code"] == "exchange.unknown_department"
    assert body["details"]["department"] == department
    assert f"No department with the id {department} exists." in body["message"]


def test_unsigned_poll_of_unknown_department_rejected(client):
    response = client.get("/api/v1/exchange/pull/99999999999999999999/envelopes")
    assert response.status_code == 401
    assert response.json()["code"] == "exchange.signature_missing"


def test_unsigned_ack_checks_signature_first(client, pull_department):
    response = client.post(
        "/api/v1/exchange/pull/999999/ack",
        b'{"envelope_ids": []}',
        content_type="application/json",
    )
    assert response.status_code == 401
    assert response.json()["code"] == "exchange.signature_missing"


@pytest.mark.parametrize(
    ("language", "sent", "expected"),
    [
        ("en", {}, "is missing the headers X-OneStop-Timestamp, X-OneStop-Key-Id, "),
        (
            "en",
            {"X-OneStop-Key-Id": "a"},
            "is missing the headers X-OneStop-Timestamp,",
        ),
        (
            "en",
            {"X-OneStop-Key-Id": "a", "X-OneStop-Timestamp": "b"},
            "is missing the header X-OneStop-Signature.",
        ),
        ("zh-hans", {}, "缺少请求头 X-OneStop-Timestamp、X-OneStop-Key-Id、"),
    ],
)
def test_missing_headers_counted(client, pull_department, language, sent, expected):
    response = client.get(
        f"/api/v1/exchange/pull/{pull_department.pk}/envelopes",
        headers={"Accept-Language": language, **sent},
    )
    assert response.status_code == 401
    assert expected in response.json()["message"]
