from __future__ import annotations

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from onestop.core.ledger import note
from onestop.core.ledger.tests.paths import VECTORS

EXAMPLE_NOTE = (VECTORS / "c2sp" / "signed-note-example.note").read_text(
    encoding="utf-8"
)
EXAMPLE_VKEY = (VECTORS / "c2sp" / "signed-note-example.vkey").read_text().strip()


def test_c2sp_example_note_verifies():
    verified = note.verify_note(EXAMPLE_NOTE, note.parse_vkey(EXAMPLE_VKEY))

    assert verified.text == "This is an example message.\n"
    assert verified.signatures[0].name == "example.com/foo"


def test_modified_example_note_fails():
    modified = EXAMPLE_NOTE.replace("example message", "exemplary message")

    with pytest.raises(note.BadSignatureError):
        note.verify_note(modified, note.parse_vkey(EXAMPLE_VKEY))


def test_example_vkey_key_id_is_recomputed():
    verifier = note.parse_vkey(EXAMPLE_VKEY)

    assert verifier.key_id.hex() == "530d903a"


def test_vkey_with_wrong_key_id_is_rejected():
    wrong = EXAMPLE_VKEY.replace("+530d903a+", "+530d903b+")

    with pytest.raises(note.MalformedKeyError):
        note.parse_vkey(wrong)


def test_signed_note_round_trip():
    key = Ed25519PrivateKey.generate()
    signed = note.sign_note("origin\n1\nabc=\n", "test.example/log", key)

    verified = note.verify_note(
        signed, note.parse_vkey(note.format_vkey("test.example/log", key))
    )

    assert verified.text == "origin\n1\nabc=\n"


def test_note_signed_by_unknown_key_is_unverified():
    signed = note.sign_note("hello\n", "other.example", Ed25519PrivateKey.generate())

    with pytest.raises(note.UnverifiedNoteError):
        note.verify_note(signed, note.parse_vkey(EXAMPLE_VKEY))


@pytest.mark.parametrize(
    "message",
    [
        "no blank line\n— a AAAAAAA=\n",
        "text\n\n— a AAAAAAA=",
        "text\n\n- a AAAAAAA=\n",
        "text\n\n— a AAAA\n",
        "text\n\n— a not*base64\n",
        "te\x01xt\n\n— a AAAAAAA=\n",
    ],
)
def test_malformed_note_is_rejected(message):
    with pytest.raises(note.MalformedNoteError):
        note.parse_note(message)
