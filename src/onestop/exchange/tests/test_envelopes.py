"""Envelopes: signed canonical JSON, stored once per dispatch, with material links."""

from __future__ import annotations

import json
from urllib.parse import urlsplit

import jsonschema
import pytest

from onestop.core import outbox
from onestop.core.canonical import canonical_json, sha256_hex
from onestop.core.ledger.models import LedgerEntry
from onestop.core.signing import public_keys_for, verify_document
from onestop.exchange import actions
from onestop.exchange.callbacks import SCHEMA_DIR
from onestop.exchange.models import ConnectorKind, Envelope
from onestop.exchange.testing import DepartmentKey, accept_food_case, configure
from onestop.testing import PDF_BYTES

pytestmark = pytest.mark.django_db


@pytest.fixture
def envelope(demo) -> Envelope:
    configure(demo.market, ConnectorKind.PULL, DepartmentKey())
    accept_food_case(demo)
    outbox.drain()
    return Envelope.objects.get()


def test_envelope_signed_by_centre(demo, envelope):
    assert verify_document(
        envelope.body, envelope.signature, public_keys_for(demo.centre)
    )
    assert envelope.sha256 == sha256_hex(canonical_json(envelope.body))
    tampered = {**envelope.body, "form_data": {}}
    assert not verify_document(
        tampered, envelope.signature, public_keys_for(demo.centre)
    )


def test_envelope_matches_published_schema(envelope):
    schema = json.loads((SCHEMA_DIR / "envelope.schema.json").read_text())
    message = {"envelope": envelope.body, "signature": envelope.signature}
    jsonschema.validate(message, schema)


def test_envelope_digest_queued_in_ledger(envelope):
    entry = LedgerEntry.objects.get(kind="exchange.envelope")
    document = json.loads(bytes(entry.data))
    assert document["body"]["envelope_id"] == str(envelope.pk)
    assert document["body"]["sha256"] == envelope.sha256


def test_applicant_fields_not_needed_are_masked(envelope):
    person = envelope.body["applicant"]["person"]
    assert person["id_number"] == "440604198503150024"
    assert person["name"] == "李秀英"
    assert person["phone"] == "138****8000"
    assert person["masked"] == ["phone"]
    assert "address" not in person


def test_matter_definition_chooses_applicant_fields(demo, envelope):
    version = envelope.case.matter_version
    version.definition = {**version.definition, "exchange_applicant_fields": ["phone"]}
    version.save(update_fields=["definition"])
    again = actions.prepare_envelope(
        case=envelope.case, idempotency_key="other-dispatch"
    )
    person = again.body["applicant"]["person"]
    assert person["phone"] == "13800138000"
    assert person["id_number"] == "4406**********0024"
    assert person["masked"] == ["id_number", "name"]


def test_same_idempotency_key_gives_same_envelope(envelope):
    again = actions.prepare_envelope(
        case=envelope.case, idempotency_key=envelope.idempotency_key
    )
    assert again.pk == envelope.pk
    assert Envelope.objects.count() == 1


def test_material_link_downloads_file_with_digest(client, envelope):
    material = envelope.body["materials"][0]
    link = urlsplit(material["url"])
    response = client.get(f"{link.path}?{link.query}")
    assert response.status_code == 200
    content = b"".join(response.streaming_content)
    assert content == PDF_BYTES
    assert sha256_hex(content) == material["sha256"]


def test_tampered_material_link_rejected(client, envelope):
    link = urlsplit(envelope.body["materials"][0]["url"])
    # Replace the signature's last character with a different one: writing "0" over a
    # signature that already ends in "0" would leave the link valid.
    changed = "1" if link.query.endswith("0") else "0"
    response = client.get(f"{link.path}?{link.query[:-1]}{changed}")
    assert response.status_code == 403
    assert "exchange.material_link_invalid" in response.content.decode()


def test_expired_material_link_rejected(client, settings, envelope):
    settings.ONESTOP_EXCHANGE_MATERIAL_LINK_SECONDS = -10
    stale = actions.prepare_envelope(case=envelope.case, idempotency_key="stale-links")
    link = urlsplit(stale.body["materials"][0]["url"])
    response = client.get(f"{link.path}?{link.query}")
    assert response.status_code == 403


def test_enterprise_case_names_enterprise(envelope):
    from onestop.cases.models import Case
    from onestop.identity.models import Enterprise

    enterprise = Enterprise.objects.get(uscc="91440604MA4W1X2YX9")
    Case.objects.filter(pk=envelope.case_id).update(enterprise=enterprise)
    case = Case.objects.get(pk=envelope.case_id)
    again = actions.prepare_envelope(case=case, idempotency_key="enterprise-dispatch")
    applicant = again.body["applicant"]
    assert applicant["type"] == "enterprise"
    assert applicant["enterprise"] == {"uscc": enterprise.uscc, "name": enterprise.name}
