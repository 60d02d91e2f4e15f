"""Masking of personal data in log lines, and certificate identifiers left readable."""

from __future__ import annotations

import logging

import pytest
from django.test import Client

from onestop.core.logging import (
    get_logger,
    mask_personal_text,
    mask_typed_personal_text,
)
from onestop.identity.codes import mask_id_number, mask_phone

# A certificate identifier whose issuer code is an all-digit unified social credit code.
CERTIFICATE_ID = (
    "1.2.156.3005.2.11100000PACK00001T001.114406040070000172.202612050001.001.C"
)
ID_NUMBER = "440604198503150024"


def test_certificate_identifier_stays_readable():
    path = f"/api/v1/certificates/{CERTIFICATE_ID}/proof"

    assert mask_personal_text(path) == path


def test_identifier_with_wrong_check_stays_readable():
    path = f"/api/v1/certificates/{CERTIFICATE_ID[:-1]}X/signed"

    assert mask_personal_text(path) == path


def test_id_number_in_path_is_masked():
    masked = mask_personal_text(f"/api/v1/identity/persons/{ID_NUMBER}")

    assert masked == "/api/v1/identity/persons/4406**********0024"


def test_id_number_as_issuer_code_is_masked():
    identifier = CERTIFICATE_ID.replace("114406040070000172", ID_NUMBER)

    masked = mask_personal_text(identifier)

    assert ID_NUMBER not in masked
    assert "4406**********0024" in masked


def test_id_number_beside_identifier_is_masked():
    masked = mask_personal_text(f"{CERTIFICATE_ID} {ID_NUMBER} 13800138000")

    assert masked == f"{CERTIFICATE_ID} 4406**********0024 138****8000"


@pytest.mark.django_db
def test_rejected_certificate_request_logs_identifier(caplog):
    wrong = CERTIFICATE_ID[:-1] + "X"

    with caplog.at_level(logging.INFO):
        Client().get(f"/api/v1/certificates/{wrong}/proof")
        Client().get(f"/api/v1/identity/persons/{ID_NUMBER}")

    assert f"/api/v1/certificates/{wrong}/proof" in caplog.text
    assert ID_NUMBER not in caplog.text
    assert "4406**********0024" in caplog.text


@pytest.mark.parametrize(
    "number",
    [ID_NUMBER, "44060419850315123X", "44060419850315123x", "440604850315123"],
)
def test_log_masks_id_number_as_pages_do(number):
    masked = mask_personal_text(f"holder {number}.")

    assert masked == f"holder {mask_id_number(number)}."


def test_log_masks_mobile_as_pages_do():
    masked = mask_personal_text("call 13800138000.")

    assert masked == f"call {mask_phone('13800138000')}."


def test_log_line_masks_id_number_as_pages_do(caplog):
    with caplog.at_level(logging.INFO):
        get_logger(__name__).info("test.masking", note=f"holder {ID_NUMBER}")

    assert f"note='holder {mask_id_number(ID_NUMBER)}'" in caplog.text
    assert ID_NUMBER not in caplog.text


# A request id in the form the middleware makes (uuid4().hex) that contains 11 consecutive
# digits shaped like a mobile number (14499679967).
REQUEST_ID = "267b36ab14499679967c069dcca75653"


@pytest.mark.parametrize(
    "identifier",
    [
        REQUEST_ID,
        "267b36ab-1449-4967-9967-a13800138000",
        "5d41402abc4b2a76b97113800138000abcdef123",
        "0b0e4c5d1f2a3b4c5d6e7f8013800138000abcdef0a1b2c3d4e5f60718293a4b",
        "1.2.156.3005.2.11100000PACK00001T00.114406040070000172.202612050001.001.W",
    ],
)
def test_identifier_token_stays_readable(identifier):
    text = f"request {identifier} failed"

    assert mask_personal_text(text) == text


def test_free_text_beside_request_id_is_masked():
    masked = mask_personal_text(f"{REQUEST_ID} 电话13800138000 身份证{ID_NUMBER}")

    assert masked == f"{REQUEST_ID} 电话138****8000 身份证4406**********0024"


def test_digits_beside_short_hex_are_masked():
    masked = mask_personal_text("ab13800138000")

    assert masked == "ab138****8000"


def test_id_number_in_malformed_identifier_is_masked():
    identifier = f"1.2.156.3005.2.11100000PACK00001T00.{ID_NUMBER}.202612050001.001.W"

    masked = mask_personal_text(identifier)

    assert ID_NUMBER not in masked
    assert ".4406**********0024." in masked


@pytest.mark.django_db
def test_logged_request_id_matches_response_header(caplog):
    with caplog.at_level(logging.INFO):
        response = Client().get(
            f"/api/v1/identity/persons/{ID_NUMBER}",
            headers={"X-Request-ID": REQUEST_ID},
        )

    assert response["X-Request-ID"] == REQUEST_ID
    assert f"request_id='{REQUEST_ID}'" in caplog.text
    assert ID_NUMBER not in caplog.text


@pytest.mark.parametrize(
    "typed",
    [
        "４４０６０４１９８５０３１５００２４",
        "４４０６０４198503150024",
        "4406 04198503150024",
        "4406 0419 8503 1500 24",
        "4406\u300004198503150024",
        "4406\t0419850315\n0024",
    ],
)
def test_typed_id_number_is_masked(typed):
    masked = mask_typed_personal_text(f"/api/v1/cases/{typed}")

    assert masked == "/api/v1/cases/4406**********0024"


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("44060419850315123ｘ", "4406**********123x"),
        ("４４０６０４８５０３１５１２３", "4406*******5123"),
        ("１３８ ００１３ ８０００", "138****8000"),
    ],
)
def test_typed_legacy_and_mobile_are_masked(typed, expected):
    assert mask_typed_personal_text(f"号码 {typed}。") == f"号码 {expected}。"


@pytest.mark.parametrize(
    "text",
    [
        "/api/v1/cases/４４０６０４２６１２０５００００１",
        "/api/v1/cases/440604 26120500001",
        f"/api/v1/certificates/{CERTIFICATE_ID}/proof",
        "案件（４４０６）：２０２６年",
        f"request {REQUEST_ID} failed",
    ],
)
def test_typed_masking_keeps_other_text(text):
    assert mask_typed_personal_text(text) == text


def test_typed_masking_covers_plain_masking():
    text = f"{CERTIFICATE_ID} {ID_NUMBER} 13800138000 4406041985031500"

    assert mask_typed_personal_text(text) == mask_personal_text(text)


@pytest.mark.django_db
@pytest.mark.parametrize(
    "path",
    [
        "%EF%BC%94%EF%BC%94%EF%BC%90%EF%BC%96%EF%BC%90%EF%BC%94198503150024",
        "4406%2004198503150024",
        "4406%E3%80%8004198503150024",
    ],
)
def test_rejected_case_path_logged_masked(demo, caplog, path):
    with caplog.at_level(logging.INFO):
        response = demo.client("clerk").get(f"/api/v1/cases/{path}")

    assert response.status_code == 404
    assert "path='/api/v1/cases/4406**********0024'" in caplog.text
    assert "198503150024" not in caplog.text
