"""Canonical JSON against the examples of RFC 8785 and SHA-256 against FIPS 180-2."""

from __future__ import annotations

import struct

import pytest
from django.utils import translation

from onestop.core.canonical import NotCanonicalizable, canonical_json, sha256_hex


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


def _double(bits: str) -> float:
    return struct.unpack(">d", bytes.fromhex(bits))[0]


# RFC 8785 appendix B: IEEE 754 bit patterns and their canonical text.
NUMBER_EXAMPLES = [
    ("0000000000000000", b"0"),
    ("8000000000000000", b"0"),
    ("0000000000000001", b"5e-324"),
    ("8000000000000001", b"-5e-324"),
    ("7fefffffffffffff", b"1.7976931348623157e+308"),
    ("ffefffffffffffff", b"-1.7976931348623157e+308"),
    ("4340000000000000", b"9007199254740992"),
    ("c340000000000000", b"-9007199254740992"),
    ("4430000000000000", b"295147905179352830000"),
    ("44b52d02c7e14af5", b"9.999999999999997e+22"),
    ("44b52d02c7e14af6", b"1e+23"),
    ("44b52d02c7e14af7", b"1.0000000000000001e+23"),
    ("444b1ae4d6e2ef4e", b"999999999999999700000"),
    ("444b1ae4d6e2ef4f", b"999999999999999900000"),
    ("444b1ae4d6e2ef50", b"1e+21"),
    ("3eb0c6f7a0b5ed8c", b"9.999999999999997e-7"),
    ("3eb0c6f7a0b5ed8d", b"0.000001"),
    ("41b3de4355555553", b"333333333.3333332"),
    ("41b3de4355555554", b"333333333.33333325"),
    ("41b3de4355555555", b"333333333.3333333"),
    ("41b3de4355555556", b"333333333.3333334"),
    ("41b3de4355555557", b"333333333.33333343"),
    ("becbf647612f3696", b"-0.0000033333333333333333"),
    ("43143ff3c1cb0959", b"1424953923781206.2"),
]


@pytest.mark.parametrize(("bits", "expected"), NUMBER_EXAMPLES)
def test_number_takes_ecmascript_form(bits, expected):
    assert canonical_json(_double(bits)) == expected


def test_float_literals_take_shortest_form():
    assert canonical_json(1e21) == b"1e+21"
    assert canonical_json(1e20) == b"100000000000000000000"
    assert canonical_json(-0.0) == b"0"
    assert canonical_json(4.50) == b"4.5"
    assert canonical_json(2e-3) == b"0.002"


def test_rfc_example_document():
    document = {
        "numbers": [
            333333333.33333329,
            1e30,
            4.50,
            2e-3,
            0.000000000000000000000000001,
        ],
        "string": "\u20ac$\u000f\u000aA'\u0042\u0022\u005c\\\"/",
        "literals": [None, True, False],
    }

    expected = (
        '{"literals":[null,true,false],'
        '"numbers":[333333333.3333333,1e+30,4.5,0.002,1e-27],'
        '"string":"\u20ac$\\u000f\\nA\'B\\"\\\\\\\\\\"/"}'
    ).encode()

    assert canonical_json(document) == expected


def test_keys_sort_by_utf16_code_units():
    document = {
        "\u20ac": "Euro Sign",
        "\r": "Carriage Return",
        "\ufb33": "Hebrew Letter Dalet With Dagesh",
        "1": "One",
        "\U0001f600": "Emoji: Grinning Face",
        "\u0080": "Control",
        "\u00f6": "Latin Small Letter O With Diaeresis",
    }

    values = [
        "Carriage Return",
        "One",
        "Control",
        "Latin Small Letter O With Diaeresis",
        "Euro Sign",
        "Emoji: Grinning Face",
        "Hebrew Letter Dalet With Dagesh",
    ]
    expected = (
        "{"
        + ",".join(
            f'"{key}":"{value}"'.replace("\r", "\\r")
            for key, value in zip(
                ["\r", "1", "\u0080", "\u00f6", "\u20ac", "\U0001f600", "\ufb33"],
                values,
                strict=True,
            )
        )
        + "}"
    )

    assert canonical_json(document) == expected.encode()


def test_emoji_key_sorts_before_dagesh_key():
    # Code points put U+1F600 after U+FB33, but its UTF-16 surrogate D83D is lower.
    encoded = canonical_json({"\ufb33": 1, "\U0001f600": 2})

    assert encoded == '{"\U0001f600":2,"\ufb33":1}'.encode()


def test_astral_character_is_raw_utf8():
    encoded = canonical_json({"name": "𠮷野家"})

    assert encoded == b'{"name":"\xf0\xa0\xae\xb7\xe9\x87\x8e\xe5\xae\xb6"}'
    assert b"\\u" not in encoded


def test_astral_key_sorts_by_surrogates():
    # 𠮷 is U+20BB7, encoded in UTF-16 as D842 DFB7, so it sorts before U+E000.
    encoded = canonical_json({"\ue000": 1, "𠮷": 2})

    assert encoded == '{"𠮷":2,"\ue000":1}'.encode()


def test_whitespace_is_removed():
    assert canonical_json({"a": [1, 2, {"b": None}]}) == b'{"a":[1,2,{"b":null}]}'


def test_nan_is_rejected():
    with pytest.raises(NotCanonicalizable) as caught:
        canonical_json({"value": float("nan")})

    assert caught.value.code == "canonical_json.unsupported_value"
    assert "cannot be written as canonical JSON" in caught.value.render()


def test_infinity_is_rejected():
    with pytest.raises(NotCanonicalizable):
        canonical_json([float("inf")])


def test_integer_beyond_double_precision_is_rejected():
    with pytest.raises(NotCanonicalizable):
        canonical_json(2**53)


def test_largest_safe_integer_is_kept():
    assert canonical_json(2**53 - 1) == b"9007199254740991"


def test_lone_surrogate_is_rejected():
    with pytest.raises(NotCanonicalizable):
        canonical_json("\ud800")


def test_non_string_key_is_rejected():
    with pytest.raises(NotCanonicalizable):
        canonical_json({1: "one"})


def test_sha256_of_abc():
    expected = "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"

    assert sha256_hex(b"abc") == expected


def test_sha256_of_empty_input():
    expected = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"

    assert sha256_hex(b"") == expected
