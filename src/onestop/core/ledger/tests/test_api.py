from __future__ import annotations

import base64

import pytest
from django.utils import translation
from ninja.testing import TestClient

from onestop.core.ledger import merkle
from onestop.core.ledger.api import router
from onestop.core.ledger.bundle import verify_proof_bundle
from onestop.core.ledger.checkpoint import get_vkey, verify_checkpoint
from onestop.core.ledger.models import LedgerEntry
from onestop.core.ledger.tests.factories import fill_ledger

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def client() -> TestClient:
    return TestClient(router)


def _b64(value: str) -> bytes:
    return base64.b64decode(value)


def test_checkpoint_is_served_as_signed_note(client):
    fill_ledger(5)

    response = client.get("/checkpoint")

    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/plain")
    assert verify_checkpoint(response.content.decode(), get_vkey()).size == 5


def test_checkpoint_json_matches_note(client):
    fill_ledger(5)

    body = client.get("/checkpoint.json").json()

    assert body["size"] == 5
    assert verify_checkpoint(body["note"], get_vkey()).root_hash == _b64(
        body["root_hash"]
    )


def test_missing_checkpoint_is_not_found(client):
    response = client.get("/checkpoint")

    assert response.status_code == 404
    assert response.json()["code"] == "ledger.no_checkpoint"


def test_inclusion_proof_verifies_against_checkpoint(client):
    fill_ledger(9)
    entry = client.get("/entries/6").json()

    body = client.get("/inclusion?index=6&tree_size=9").json()

    proof = [_b64(value) for value in body["proof"]]
    leaf = merkle.leaf_hash(_b64(entry["data"]))
    checkpoint = verify_checkpoint(
        client.get("/checkpoint").content.decode(), get_vkey()
    )
    merkle.verify_inclusion(6, 9, leaf, proof, checkpoint.root_hash)
    assert _b64(body["root_hash"]) == checkpoint.root_hash


def test_inclusion_defaults_to_latest_checkpoint_size(client):
    fill_ledger(4)

    assert client.get("/inclusion?index=1").json()["tree_size"] == 4


def test_consistency_proof_verifies_between_checkpoints(client):
    fill_ledger(12, checkpoint_every=5)
    first = client.get("/inclusion?index=0&tree_size=5").json()["root_hash"]
    second = client.get("/inclusion?index=0&tree_size=12").json()["root_hash"]

    body = client.get("/consistency?first=5&second=12").json()

    proof = [_b64(value) for value in body["proof"]]
    merkle.verify_consistency(5, 12, proof, _b64(first), _b64(second))


def test_entry_is_served_with_its_document(client):
    fill_ledger(3)

    body = client.get("/entries/2").json()

    assert body["index"] == 2
    assert body["document"]["body"] == {"case_id": 2, "state": "accepted"}
    assert merkle.leaf_hash(_b64(body["data"])) == _b64(body["leaf_hash"])


def test_entry_kind_and_centre_come_from_document(client):
    fill_ledger(3)
    LedgerEntry.objects.filter(index=2).update(
        kind="certificate.revoked", centre_id=None
    )

    body = client.get("/entries/2").json()

    assert body["kind"] == "case.accepted"
    assert body["centre_id"] == 1


def test_entry_proof_bundle_verifies_offline(client):
    fill_ledger(6)
    vkey = client.get("/vkey").content.decode().strip()

    response = client.get("/entries/3/proof")

    verified = verify_proof_bundle(response.content.decode(), vkey)
    assert verified.index == 3
    assert verified.document["body"]["case_id"] == 3


@pytest.mark.parametrize(
    ("path", "code", "status"),
    [
        ("/inclusion?index=9&tree_size=9", "ledger.index_beyond_size", 400),
        ("/inclusion?index=0&tree_size=10", "ledger.tree_size_beyond_log", 400),
        ("/inclusion?index=0&tree_size=0", "ledger.tree_size_invalid", 400),
        ("/inclusion?index=-1&tree_size=9", "ledger.number_invalid", 400),
        ("/inclusion?index=1.5&tree_size=9", "ledger.number_invalid", 400),
        ("/inclusion?index=abc&tree_size=9", "ledger.number_invalid", 400),
        ("/inclusion?tree_size=9", "ledger.parameter_missing", 400),
        ("/consistency?first=5&second=3", "ledger.first_after_second", 400),
        ("/consistency?first=0&second=3", "ledger.consistency_from_empty_tree", 400),
        ("/consistency?first=3&second=20", "ledger.tree_size_beyond_log", 400),
        ("/consistency?first=x&second=3", "ledger.number_invalid", 400),
        ("/entries/9", "ledger.entry_not_found", 404),
        ("/entries/-2", "ledger.number_invalid", 400),
        (
            "/inclusion?index=144115188075855872&tree_size=9",
            "ledger.number_too_large",
            400,
        ),
        ("/entries/99999999999999999999999", "ledger.number_too_large", 400),
        ("/inclusion?index=%203", "ledger.number_invalid", 400),
        ("/inclusion?index=3%20", "ledger.number_invalid", 400),
        ("/inclusion?index=%2B3", "ledger.number_invalid", 400),
        ("/inclusion?index=-0", "ledger.number_invalid", 400),
        ("/inclusion?index=1.0", "ledger.number_invalid", 400),
        ("/consistency?first=%2B1&second=3", "ledger.number_invalid", 400),
        ("/entries/%2B3", "ledger.number_invalid", 400),
    ],
)
def test_bad_request_gets_ledger_error(client, path, code, status):
    fill_ledger(9)

    response = client.get(path)

    assert response.status_code == status
    assert response.json()["code"] == code
    assert response.json()["message"]


def test_error_message_names_value_and_limit(client):
    fill_ledger(9)

    with translation.override("en"):
        message = client.get("/inclusion?index=0&tree_size=10").json()["message"]

    assert message == (
        "The tree size 10 is larger than the log, whose size (its number of "
        "integrated entries) is 9. Give a tree size of at most 9."
    )


def test_index_message_reads_for_a_tree_of_one(client):
    fill_ledger(1)

    with translation.override("en"):
        message = client.get("/inclusion?index=1&tree_size=1").json()["message"]

    assert message.startswith("The index 1 is not in a tree of size 1.")


def test_error_message_is_translated_to_chinese(client):
    fill_ledger(9)

    with translation.override("zh-hans"):
        message = client.get("/inclusion?index=0&tree_size=10").json()["message"]

    assert "树" in message
    assert "10" in message


def test_bad_number_message_names_parameter(client):
    with translation.override("en"):
        message = client.get("/consistency?first=-1&second=3").json()["message"]

    assert message == (
        "The parameter first (“-1”) is not a whole number of zero or more. Give a "
        "decimal integer such as 0 or 42."
    )


def test_bad_number_details_hold_raw_value(client):
    body = client.get("/inclusion?index=%203&tree_size=9").json()

    assert body["details"] == {"field": "index", "value": " 3"}
    assert "(“ 3”)" in body["message"]


def test_error_body_is_utf8_json(client):
    fill_ledger(9)

    with translation.override("zh-hans"):
        response = client.get("/inclusion?index=0&tree_size=10")

    assert response["Content-Type"] == "application/json; charset=utf-8"
    assert "树" in response.content.decode()
    assert b"\\u" not in response.content


def test_too_large_number_message_names_limit(client):
    with translation.override("en"):
        message = client.get("/entries/144115188075855872").json()["message"]

    assert "144115188075855872" in message
    assert "below 144115188075855872" in message


def test_signed_number_message_names_value(client):
    with translation.override("en"):
        message = client.get("/inclusion?index=%2B3").json()["message"]

    assert message.startswith("The parameter index (“+3”) is not a whole number")


@pytest.mark.parametrize(
    ("query", "shown"),
    [
        ("index=%20", "“ ”"),
        ("index=3%09", "“3<U+0009>”"),
        ("index=%E3%80%80", "“<U+3000>”"),
    ],
)
def test_bad_number_message_shows_invisible_characters(client, query, shown):
    with translation.override("en"):
        response = client.get(f"/inclusion?{query}&tree_size=1")

    assert response.json()["code"] == "ledger.number_invalid"
    assert (
        f"The parameter index ({shown}) is not a whole number"
        in (response.json()["message"])
    )
