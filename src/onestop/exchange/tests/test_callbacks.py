"""Callbacks from department systems: verified, applied once, acknowledged with a receipt."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import pytest

from onestop.cases.models import CaseEvent, CaseState
from onestop.core.ledger.models import LedgerEntry
from onestop.core.signing import public_keys_for, verify_document
from onestop.exchange.models import (
    ConnectorKind,
    DepartmentCallback,
    KeyAlgorithm,
)
from onestop.exchange.testing import (
    DepartmentKey,
    accept_food_case,
    callback_for,
    configure,
    signed,
)

pytestmark = pytest.mark.django_db

URL = "/api/v1/exchange/callbacks"


def post(client, body: bytes):
    return client.post(URL, body, content_type="application/json")


def test_approval_applies_result_and_returns_signed_receipt(
    client, demo, key, envelope
):
    callback = callback_for(envelope, "approved")
    response = post(client, signed(callback, key))
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["duplicate"] is False
    assert body["receipt"]["callback_id"] == callback["callback_id"]
    assert body["receipt"]["case_state"] == CaseState.RESULT_ISSUED
    assert verify_document(
        body["receipt"], body["signature"], public_keys_for(demo.centre)
    )
    envelope.case.refresh_from_db()
    assert envelope.case.state == CaseState.RESULT_ISSUED
    assert envelope.case.opinion == "准予许可"
    stored = DepartmentCallback.objects.get()
    assert stored.signature["alg"] == "ed25519"
    assert stored.body == callback
    assert LedgerEntry.objects.filter(kind="exchange.receipt").count() == 1


def test_duplicate_callback_is_applied_once(client, key, envelope):
    callback = callback_for(envelope, "approved")
    first = post(client, signed(callback, key)).json()
    resent = {**callback, "sent_at": datetime.now(UTC).isoformat()}
    second = post(client, signed(resent, key))
    assert second.status_code == 200
    assert second.json()["duplicate"] is True
    assert second.json()["receipt"] == first["receipt"]
    assert CaseEvent.objects.filter(case=envelope.case, action="approve").count() == 1
    assert DepartmentCallback.objects.count() == 1


def test_callback_id_reused_for_other_content_rejected(client, key, envelope):
    callback = callback_for(envelope, "received")
    post(client, signed(callback, key))
    replay = {**callback, "status": "approved", "opinion": "准予", "result": {}}
    response = post(client, signed(replay, key))
    assert response.status_code == 409
    assert response.json()["code"] == "exchange.replay"
    envelope.case.refresh_from_db()
    assert envelope.case.state == CaseState.IN_REVIEW


def test_bad_signature_rejected_and_case_unchanged(client, envelope):
    response = post(client, signed(callback_for(envelope, "approved"), DepartmentKey()))
    assert response.status_code == 401
    assert response.json()["code"] == "exchange.signature_invalid"
    envelope.case.refresh_from_db()
    assert envelope.case.state == CaseState.ACCEPTED
    assert DepartmentCallback.objects.count() == 0


def test_tampered_callback_rejected(client, key, envelope):
    message = json.loads(signed(callback_for(envelope, "approved"), key))
    message["callback"]["opinion"] = "篡改"
    response = post(client, json.dumps(message).encode())
    assert response.status_code == 401
    assert response.json()["code"] == "exchange.signature_invalid"


def test_unknown_envelope_rejected(client, key, envelope):
    callback = callback_for(
        envelope, "approved", envelope_id="00000000-0000-4000-8000-000000000000"
    )
    response = post(client, signed(callback, key))
    assert response.status_code == 404
    assert response.json()["code"] == "exchange.unknown_case"


def test_case_of_other_department_rejected(client, key, envelope):
    callback = callback_for(envelope, "approved", department_uscc="91440604MA4W1X2YX9")
    response = post(client, signed(callback, key))
    assert response.status_code == 403
    assert response.json()["code"] == "exchange.case_mismatch"


def test_case_number_of_other_case_rejected(client, demo, key, envelope):
    other = accept_food_case(demo)
    callback = callback_for(envelope, "approved", case_number=other.number)
    response = post(client, signed(callback, key))
    assert response.status_code == 403
    assert response.json()["code"] == "exchange.case_mismatch"
    other.refresh_from_db()
    assert other.state == CaseState.ACCEPTED


def test_case_of_other_centre_rejected(client, demo, other_centre, key, envelope):
    from onestop.core.models import Department

    nanhai_market = Department.objects.get(
        centre=other_centre, role_key="market_regulation"
    )
    configure(nanhai_market, ConnectorKind.PULL, DepartmentKey())
    callback = callback_for(envelope, "approved", department_uscc=nanhai_market.uscc)
    response = post(client, signed(callback, key))
    assert response.status_code == 403
    assert response.json()["code"] == "exchange.case_mismatch"


def test_schema_violation_rejected(client, key, envelope):
    callback = callback_for(envelope, "correction_needed")
    callback.pop("items")
    response = post(client, signed(callback, key))
    assert response.status_code == 400
    assert response.json()["code"] == "exchange.schema_invalid"
    assert "items" in response.json()["message"]


def test_body_that_is_not_json_rejected(client, envelope):
    response = post(client, b"{not json")
    assert response.status_code == 400
    assert response.json()["code"] == "exchange.schema_invalid"


def test_body_with_overlong_number_rejected(client, envelope):
    response = client.post(
        URL,
        b'{"callback": ' + b"9" * 5000 + b"}",
        content_type="application/json",
        HTTP_ACCEPT_LANGUAGE="en",
    )

    assert response.status_code == 400
    assert response.json()["code"] == "exchange.schema_invalid"
    assert "a number has more than 4300 digits" in response.json()["message"]


def test_non_json_body_error_in_chinese(client, envelope):
    response = client.post(
        URL, b"{bad", content_type="application/json", HTTP_ACCEPT_LANGUAGE="zh-hans"
    )

    body = response.json()
    assert body["code"] == "exchange.schema_invalid"
    assert (
        "报文不是有效的 JSON（第 1 行第 2 列：此处应有用双引号括起的成员名）"
        in (body["message"])
    )
    assert "Expecting" not in body["message"]
    assert body["details"]["line"] == 1
    assert body["details"]["column"] == 2


def test_oversize_body_rejected(client, key, envelope):
    callback = callback_for(envelope, "approved", result={"blob": "x" * 300_000})
    response = post(client, signed(callback, key))
    assert response.status_code == 413
    assert response.json()["code"] == "exchange.body_too_large"


def test_stale_callback_rejected_as_replay(client, key, envelope):
    sent_at = (datetime.now(UTC) - timedelta(days=3)).isoformat()
    response = post(
        client, signed(callback_for(envelope, "approved", sent_at=sent_at), key)
    )
    assert response.status_code == 409
    body = response.json()
    assert body["code"] == "exchange.replay_stale"
    assert "more than 24 hours before OneStop's clock" in body["message"]
    assert body["details"]["limit_seconds"] == 24 * 3600
    envelope.case.refresh_from_db()
    assert envelope.case.state == CaseState.ACCEPTED


def test_callback_from_future_rejected(client, key, envelope):
    sent_at = (datetime.now(UTC) + timedelta(hours=1)).isoformat()
    response = post(
        client, signed(callback_for(envelope, "received", sent_at=sent_at), key)
    )
    assert response.status_code == 409
    body = response.json()
    assert body["code"] == "exchange.replay_stale"
    assert "more than 300 seconds after OneStop's clock" in body["message"]


def test_stale_callback_message_in_chinese(client, key, envelope):
    sent_at = (datetime.now(UTC) - timedelta(days=3)).isoformat()
    response = client.post(
        URL,
        signed(callback_for(envelope, "approved", sent_at=sent_at), key),
        content_type="application/json",
        headers={"Accept-Language": "zh-Hans"},
    )
    assert response.status_code == 409
    assert "24 小时" in response.json()["message"]


def test_second_decision_rejected(client, key, envelope):
    post(client, signed(callback_for(envelope, "approved"), key))
    response = post(client, signed(callback_for(envelope, "denied"), key))
    assert response.status_code == 409
    assert response.json()["code"] == "exchange.result_conflict"
    assert CaseEvent.objects.filter(case=envelope.case, action="deny").count() == 0


def test_received_moves_case_into_review(client, key, envelope):
    response = post(client, signed(callback_for(envelope, "received"), key))
    assert response.status_code == 200
    envelope.case.refresh_from_db()
    assert envelope.case.state == CaseState.IN_REVIEW


def test_denial_issues_denied_result(client, key, envelope):
    response = post(client, signed(callback_for(envelope, "denied"), key))
    assert response.status_code == 200
    envelope.case.refresh_from_db()
    assert envelope.case.state == CaseState.RESULT_ISSUED
    result = envelope.case.documents.get(kind="result")
    assert result.data["decision"] == "denied"


def test_correction_needed_stops_clock_with_items(client, key, envelope):
    response = post(client, signed(callback_for(envelope, "correction_needed"), key))
    assert response.status_code == 200, response.content
    case = envelope.case
    case.refresh_from_db()
    assert case.state == CaseState.CORRECTION_REQUESTED
    assert case.correction_items == [{"note": "补充平面图"}]
    assert case.pauses.filter(ended_at__isnull=True).count() == 1
    assert case.documents.filter(kind="correction_notice").count() == 1


def test_hmac_signed_callback_accepted(client, demo, envelope):
    secret = "s" * 40
    configure(
        demo.market,
        ConnectorKind.PULL,
        DepartmentKey(),
        key_algorithm=KeyAlgorithm.HMAC_SHA256,
        hmac_secret=secret,
        public_key="",
    )
    response = post(client, signed(callback_for(envelope, "approved"), secret=secret))
    assert response.status_code == 200, response.content


def test_hmac_signature_with_wrong_secret_rejected(client, demo, envelope):
    configure(
        demo.market,
        ConnectorKind.PULL,
        DepartmentKey(),
        key_algorithm=KeyAlgorithm.HMAC_SHA256,
        hmac_secret="s" * 40,
        public_key="",
    )
    response = post(client, signed(callback_for(envelope, "approved"), secret="t" * 40))
    assert response.status_code == 401
    assert response.json()["code"] == "exchange.signature_invalid"
