"""Approvals through a connector that issue an electronic certificate with its face values."""

from __future__ import annotations

import datetime

import pytest

from onestop.cases.models import CaseState
from onestop.certificates.models import Certificate
from onestop.core import outbox
from onestop.core.models import Department
from onestop.core.signing import published_keys
from onestop.exchange.models import (
    ConnectorKind,
    DepartmentCallback,
    Envelope,
    KeyAlgorithm,
)
from onestop.exchange.simulator import DepartmentSimulator, SimulatorSettings
from onestop.exchange.testing import (
    DepartmentKey,
    accept_case,
    callback_for,
    configure,
    signed,
    wait_for_callbacks,
)

pytestmark = pytest.mark.django_db

URL = "/api/v1/exchange/callbacks"
TREE_FELLING = "tree-felling-permit"


# The demo signs forestry's callbacks with HMAC; these tests give it an Ed25519 key.
ED25519 = {"key_algorithm": KeyAlgorithm.ED25519, "hmac_secret": ""}


@pytest.fixture
def forestry(demo) -> Department:
    return Department.objects.get(centre=demo.centre, role_key="forestry")


@pytest.fixture
def felling_envelope(demo, forestry, key) -> Envelope:
    configure(forestry, ConnectorKind.PULL, key, **ED25519)
    accept_case(demo, TREE_FELLING)
    outbox.drain()
    return Envelope.objects.get(department=forestry)


def approve(client, envelope, key, result):
    callback = callback_for(envelope, "approved", result=result)
    return client.post(URL, signed(callback, key), content_type="application/json")


def test_envelope_marks_needed_face_fields(felling_envelope):
    section = felling_envelope.body["result"]
    assert section["type"] == "certificate"
    assert section["certificate_type"]["name"] == "林木采伐许可证"
    fields = {field["key"]: field for field in section["face_fields"]}
    assert fields["deadline"]["needed"] is True
    assert fields["deadline"]["type"] == "date"
    assert fields["location"]["needed"] is False
    assert "holder_name" not in fields
    assert section["holder_code_needed"] is False


def test_approval_with_face_values_issues_certificate(client, key, felling_envelope):
    response = approve(
        client, felling_envelope, key, {"face": {"deadline": "2027-06-30"}}
    )
    assert response.status_code == 200, response.content
    case = felling_envelope.case
    case.refresh_from_db()
    assert case.state == CaseState.RESULT_ISSUED
    certificate = Certificate.objects.get(case_number=case.number)
    assert certificate.face["deadline"] == "2027-06-30"
    assert certificate.face["location"] == case.form_data["location"]


def test_approval_without_face_value_rejected(client, key, felling_envelope):
    response = approve(client, felling_envelope, key, {"licence_number": "L1"})
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "certificate.face_field_missing"
    assert body["details"]["key"] == "deadline"
    assert body["details"]["member"] == "callback.result.face.deadline"
    assert "callback.result.face.deadline" in body["message"]
    assert "采伐期限" in body["message"]
    felling_envelope.case.refresh_from_db()
    assert felling_envelope.case.state == CaseState.ACCEPTED
    assert DepartmentCallback.objects.count() == 0


def test_approval_with_invalid_face_date_rejected(client, key, felling_envelope):
    response = approve(
        client, felling_envelope, key, {"face": {"deadline": "2027/06/30"}}
    )
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "certificate.face_date_invalid"
    assert body["details"]["member"] == "callback.result.face.deadline"
    assert "2027/06/30" in body["message"]


def test_approval_setting_issuer_field_rejected(client, key, felling_envelope):
    face = {"deadline": "2027-06-30", "holder_name": "别人"}
    response = approve(client, felling_envelope, key, {"face": face})
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "certificate.face_field_unknown"
    assert body["details"]["member"] == "callback.result.face.holder_name"


def test_face_value_must_be_text(client, key, felling_envelope):
    response = approve(client, felling_envelope, key, {"face": {"deadline": 20270630}})
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "exchange.schema_invalid"
    assert "result/face/deadline" in body["message"]


def test_result_cannot_override_decision(client, key, felling_envelope):
    result = {"face": {"deadline": "2027-06-30"}, "decision": "denied"}
    response = approve(client, felling_envelope, key, result)
    assert response.status_code == 400
    assert response.json()["code"] == "exchange.schema_invalid"


def test_simulator_approval_issues_certificate(live_server, demo, forestry):
    key = DepartmentKey()
    simulator = DepartmentSimulator(
        SimulatorSettings(
            onestop_url=live_server.url,
            port=0,
            # The wait keeps the simulator's callbacks from reaching the server while
            # this thread still delivers the envelope.
            delay=1.0,
            ed25519_seed=key.seed,
            initial_keys=published_keys(),
        )
    ).start()
    try:
        configure(
            forestry,
            ConnectorKind.WEBHOOK,
            key,
            endpoint=simulator.endpoint,
            **ED25519,
        )
        case = accept_case(demo, TREE_FELLING)
        outbox.drain(max_rounds=1)
        wait_for_callbacks(simulator, 2)
    finally:
        simulator.stop()
    assert simulator.counters.as_dict()["callbacks_failed"] == 0
    case.refresh_from_db()
    assert case.state == CaseState.RESULT_ISSUED
    certificate = Certificate.objects.get(case_number=case.number)
    deadline = datetime.date.fromisoformat(certificate.face["deadline"])
    assert deadline > datetime.date.today()
    approval = DepartmentCallback.objects.get(case=case, status="approved")
    assert approval.body["result"]["face"] == {"deadline": certificate.face["deadline"]}


def test_holder_code_of_registered_enterprise_rejected(client, key, demo):
    # The food licence belongs to an organisation, and the demo applicant filed the
    # case for themself, so the callback's holder code may not name a registered
    # enterprise such as the demo agent's.
    market = demo.market
    configure(market, ConnectorKind.PULL, key, **ED25519)
    case = accept_case(demo, "food-business-licence")
    outbox.drain()
    envelope = Envelope.objects.get(department=market, case=case)

    response = approve(client, envelope, key, {"holder_code": "91440604MA4W1X2YX9"})

    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "certificate.holder_code_registered"
    assert body["details"]["value"] == "91440604MA4W1X2YX9"
    assert body["details"]["member"] == "callback.result.holder_code"
    case.refresh_from_db()
    assert case.state == CaseState.ACCEPTED
    assert not Certificate.objects.filter(case_number=case.number).exists()
