"""GB/T 36904 certificate identifiers: build, parse, and the MOD 37,36 check."""

from __future__ import annotations

import json

import pytest
from django.utils import translation
from hypothesis import given, settings
from hypothesis import strategies as st

from onestop.certificates.identifiers import (
    CertificateId,
    CertificateIdCheckFailed,
    InvalidCertificateId,
    build_identifier,
    compute_check,
    parse_identifier,
)
from onestop.testing import full_width, shared_data

IDENTITY_CODES = shared_data("ids/identity-codes.json")
KNOWN = json.loads(IDENTITY_CODES.read_text(encoding="utf-8"))["certificate_id_gb36904"]
KNOWN_ID = "1.2.156.3005.2.11100000000013338W009.11330105002500287C.2025052201.002.0"

TYPE_CODE = "11100000000013338W009"
ISSUER = "11330105002500287C"


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


def test_known_identifier_is_listed():
    assert KNOWN_ID in KNOWN["valid"]


@pytest.mark.parametrize("identifier", KNOWN["valid"])
def test_known_identifier_parses(identifier):
    parsed = parse_identifier(identifier)

    assert parsed.type_code == "11100000000013338W009"
    assert parsed.issuer_uscc == "11330105002500287C"
    assert parsed.serial == "2025052201"
    assert parsed.version == 2
    assert parsed.check == "0"


@pytest.mark.parametrize("identifier", KNOWN["valid"])
def test_known_identifier_rebuilds_exactly(identifier):
    parsed = parse_identifier(identifier)

    rebuilt = build_identifier(
        parsed.type_code, parsed.issuer_uscc, parsed.serial, parsed.version
    )

    assert rebuilt == identifier
    assert str(parsed) == identifier


def test_defining_body_is_type_code_prefix():
    parsed = parse_identifier(KNOWN_ID)

    assert parsed.defining_body_uscc == "11100000000013338W"


def test_version_as_text_builds_same_identifier():
    built = build_identifier(TYPE_CODE, ISSUER, "2025052201", "002")

    assert built == KNOWN_ID


@pytest.mark.parametrize("wrong", list("123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"))
def test_wrong_check_character_is_rejected(wrong):
    identifier = KNOWN_ID[:-1] + wrong

    with pytest.raises(CertificateIdCheckFailed) as caught:
        parse_identifier(identifier)

    assert caught.value.code == "certificate_id.check"
    assert f"has the check character {wrong}" in caught.value.render()
    assert "give 0" in caught.value.render()


def test_mistyped_serial_fails_check():
    identifier = KNOWN_ID.replace("2025052201", "2025052210")

    with pytest.raises(CertificateIdCheckFailed):
        parse_identifier(identifier)


def test_next_version_gets_own_check():
    third = build_identifier(TYPE_CODE, ISSUER, "2025052201", 3)

    assert third.startswith(KNOWN_ID[:-5] + "003.")
    assert parse_identifier(third).version == 3


def test_check_character_is_mod_37_36_hybrid():
    # The ISO 7064 MOD 37,36 worked example of python-stdnum.
    assert compute_check("A12425GABC1234002M"[:-4], "", "", 2) == "M"


def test_surrounding_whitespace_is_ignored():
    assert parse_identifier(f"  {KNOWN_ID}\n").serial == "2025052201"


@pytest.mark.parametrize(
    ("identifier", "part"),
    [
        ("1.2.156.3005.3.11100000000013338W009.11330105002500287C.1.001.0", "prefix"),
        ("", "prefix"),
        (
            "1.2.156.3005.2.11100000000013338W009.11330105002500287C.2025052201.002",
            "number of parts",
        ),
        (
            "1.2.156.3005.2.11100000000013338W09.11330105002500287C.2025052201.002.0",
            "type code",
        ),
        (
            "1.2.156.3005.2.11100000000013338X009.11330105002500287C.2025052201.002.0",
            "type code",
        ),
        (
            "1.2.156.3005.2.11100000000013338W009.11330105002500287D.2025052201.002.0",
            "issuer code",
        ),
        (
            "1.2.156.3005.2.11100000000013338W009.11330105002500287C.2025-0522.002.0",
            "serial",
        ),
        (
            "1.2.156.3005.2.11100000000013338W009.11330105002500287C.2025052201.02.0",
            "version",
        ),
        (
            "1.2.156.3005.2.11100000000013338W009.11330105002500287C.2025052201.000.0",
            "version",
        ),
        (
            "1.2.156.3005.2.11100000000013338W009.11330105002500287C.2025052201.002.-",
            "check character",
        ),
    ],
)
def test_malformed_identifier_names_part(identifier, part):
    with pytest.raises(InvalidCertificateId) as caught:
        parse_identifier(identifier)

    assert caught.value.code == "certificate_id.format"
    assert f"the {part} " in caught.value.render()


def test_format_error_shows_value_and_fix():
    identifier = KNOWN_ID.replace("11330105002500287C", "11330105002500287D")

    with pytest.raises(InvalidCertificateId) as caught:
        parse_identifier(identifier)

    message = caught.value.render()
    assert "11330105002500287D" in message
    assert "should be a valid 18-character USCC" in message
    assert "Copy the identifier again" in message


@pytest.mark.parametrize(
    "typed",
    [
        KNOWN_ID.lower(),
        f"  {KNOWN_ID}\u3000",
        full_width(KNOWN_ID),
        full_width(KNOWN_ID.lower()),
    ],
    ids=["lower_case", "surrounding_spaces", "full_width", "full_width_lower_case"],
)
def test_typed_identifier_parses_as_printed(typed):
    assert str(parse_identifier(typed)) == KNOWN_ID


def test_lower_case_serial_is_rejected():
    with pytest.raises(InvalidCertificateId) as caught:
        build_identifier(TYPE_CODE, ISSUER, "abc", 1)

    assert caught.value.details["value"] == "abc"


@pytest.mark.parametrize("version", [0, 1000, -1, "1", "x", True, None])
def test_out_of_range_version_is_rejected(version):
    with pytest.raises(InvalidCertificateId) as caught:
        build_identifier(TYPE_CODE, ISSUER, "1", version)

    assert "the version" in caught.value.render()


def test_non_string_input_is_rejected():
    with pytest.raises(InvalidCertificateId):
        parse_identifier(None)


def test_identifier_value_object_is_frozen():
    parsed = parse_identifier(KNOWN_ID)

    with pytest.raises(AttributeError):
        parsed.serial = "1"  # type: ignore[misc]

    assert parsed == CertificateId(TYPE_CODE, ISSUER, "2025052201", 2, "0")


ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"


@settings(max_examples=200, deadline=None)
@given(
    serial=st.text(alphabet=ALPHABET, min_size=1, max_size=40),
    version=st.integers(min_value=1, max_value=999),
)
def test_built_identifier_round_trips(serial, version):
    identifier = build_identifier(TYPE_CODE, ISSUER, serial, version)

    parsed = parse_identifier(identifier)

    assert parsed.serial == serial
    assert parsed.version == version
    assert str(parsed) == identifier


@settings(max_examples=200, deadline=None)
@given(data=st.data())
def test_any_serial_substitution_fails_check(data):
    serial = data.draw(st.text(alphabet=ALPHABET, min_size=1, max_size=20))
    position = data.draw(st.integers(min_value=0, max_value=len(serial) - 1))
    replacement = data.draw(st.sampled_from(ALPHABET.replace(serial[position], "")))
    identifier = build_identifier(TYPE_CODE, ISSUER, serial, 1)
    changed_serial = serial[:position] + replacement + serial[position + 1 :]
    changed = identifier.replace(f".{serial}.001.", f".{changed_serial}.001.")

    with pytest.raises(CertificateIdCheckFailed):
        parse_identifier(changed)
