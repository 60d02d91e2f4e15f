"""Cross-check: a checkpoint and an inclusion proof made here verify with
@sigstore/verify.
"""

from __future__ import annotations

import base64
import json
import shutil
import subprocess
from pathlib import Path

import pytest

from onestop.core.ledger.bundle import proof_bundle, verify_proof_bundle
from onestop.core.ledger.checkpoint import get_vkey
from onestop.core.ledger.errors import BundleInvalid
from onestop.core.ledger.models import LedgerEntry
from onestop.core.ledger.tests.factories import (
    TRUNCATIONS,
    fill_ledger,
    truncation_reason,
)

JS_DIR = Path(__file__).resolve().parents[1] / "js"
NODE = shutil.which("node")

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(NODE is None, reason="node is not installed"),
    pytest.mark.skipif(
        not (JS_DIR / "node_modules" / "@sigstore" / "verify").is_dir(),
        reason="@sigstore/verify missing: npm ci --prefix src/onestop/core/ledger/js",
    ),
]


def _run_node(bundle: str, vkey: str, tmp_path: Path) -> dict:
    path = tmp_path / "entry.tlog-proof"
    path.write_text(bundle, encoding="utf-8")
    completed = subprocess.run(  # noqa: S603 (fixed interpreter and script)
        [str(NODE), str(JS_DIR / "verify.js"), str(path), vkey],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    return json.loads(completed.stdout)


@pytest.mark.parametrize(
    ("size", "index"), [(1, 0), (2, 1), (13, 0), (13, 7), (13, 12)]
)
def test_node_verifies_bundle(size, index, tmp_path):
    fill_ledger(size)

    result = _run_node(
        proof_bundle(LedgerEntry.objects.get(index=index)), get_vkey(), tmp_path
    )

    assert result == {
        "ok": True,
        "origin": "onestop.local/ledger",
        "index": str(index),
        "treeSize": str(size),
    }


def test_node_rejects_changed_proof(tmp_path):
    fill_ledger(13)
    bundle = proof_bundle(LedgerEntry.objects.get(index=7))
    lines = bundle.split("\n")
    lines[3] = "A" + lines[3][1:] if lines[3][0] != "A" else "B" + lines[3][1:]

    result = _run_node("\n".join(lines), get_vkey(), tmp_path)

    assert result == {
        "ok": False,
        "error": "computed root does not match the root at size 13",
    }


def test_node_rejects_changed_checkpoint(tmp_path):
    fill_ledger(13)
    bundle = proof_bundle(LedgerEntry.objects.get(index=7))

    result = _run_node(bundle.replace("\n13\n", "\n14\n"), get_vkey(), tmp_path)

    assert result == {
        "ok": False,
        "error": "signature of 'onestop.local/ledger' is invalid",
    }


def _replace_line(bundle: str, number: int, line: str) -> str:
    lines = bundle.split("\n")
    lines[number] = line
    return "\n".join(lines)


def _drop_line(bundle: str, number: int) -> str:
    lines = bundle.split("\n")
    del lines[number]
    return "\n".join(lines)


def _short_hash(bundle: str) -> str:
    return _replace_line(bundle, 3, base64.b64encode(b"\x01" * 16).decode())


def _second_bad_signature(bundle: str) -> str:
    signature = bundle.rstrip("\n").rsplit("\n", 1)[1]
    name, encoded = signature.removeprefix("\u2014 ").split(" ")
    raw = bytearray(base64.b64decode(encoded))
    raw[-1] ^= 1
    return f"{bundle}\u2014 {name} {base64.b64encode(bytes(raw)).decode()}\n"


# A bundle of entry 7 in a tree of 13 has lines: header, extra, index, four proof
# hashes, a blank line, then origin, size, root, a blank line and the signature.
CHANGED_BUNDLES = {
    "status appended": (
        lambda bundle: bundle + "\n200\n",
        "note text must not contain a blank line",
    ),
    "line after signature": (
        lambda bundle: bundle + "200\n",
        "a signature line must start with an em dash and a space",
    ),
    "windows line ends": (
        lambda bundle: bundle.replace("\n", "\r\n"),
        "its lines end with CR LF, as some editors save text; a proof bundle's "
        "lines end with LF alone, so use the file as it was downloaded",
    ),
    "header": (
        lambda bundle: _replace_line(bundle, 0, "c2sp.org/tlog-proof@v2"),
        "the first line is not c2sp.org/tlog-proof@v1",
    ),
    "extra not base64": (
        lambda bundle: _replace_line(bundle, 1, "extra !!!!"),
        "the extra data is not base64",
    ),
    "no extra": (
        lambda bundle: _drop_line(bundle, 1),
        "the bundle carries no entry and none was given",
    ),
    "index letter": (
        lambda bundle: _replace_line(bundle, 2, "index A"),
        "the index 'A' is not a decimal number",
    ),
    "index signed": (
        lambda bundle: _replace_line(bundle, 2, "index +7"),
        "the index '+7' is not a decimal number",
    ),
    "index missing": (
        lambda bundle: _drop_line(bundle, 2),
        "the index line is missing",
    ),
    "index beyond size": (
        lambda bundle: _replace_line(bundle, 2, "index 99"),
        "leaf index 99 is not below tree size 13",
    ),
    "proof hash padding": (
        lambda bundle: _replace_line(bundle, 4, "QUJD=="),
        "the proof hash 1 is not base64",
    ),
    "proof hash short": (
        _short_hash,
        "proof hash 0 has 16 bytes, expected 32",
    ),
    "proof hash missing": (
        lambda bundle: _drop_line(bundle, 5),
        "proof has 3 hashes, expected 4",
    ),
    "checkpoint size letter": (
        lambda bundle: _replace_line(bundle, 9, "A"),
        "the checkpoint size 'A' is not a decimal number",
    ),
    "checkpoint size leading zero": (
        lambda bundle: _replace_line(bundle, 9, "013"),
        "the checkpoint size '013' is not a decimal number",
    ),
    "checkpoint root short": (
        lambda bundle: _replace_line(bundle, 10, "AAAA"),
        "the checkpoint root hash has 3 bytes",
    ),
    "control character": (
        lambda bundle: _replace_line(bundle, 8, "onestop.local/ledger\t"),
        "note text must not contain control characters",
    ),
    "signature fields": (
        lambda bundle: bundle + "\u2014 a b c\n",
        "a signature line has a key name and one base64 value",
    ),
    "unknown signer": (
        lambda bundle: bundle.replace("\u2014 onestop.local/ledger ", "\u2014 other "),
        "no signature of the note is by a known key",
    ),
    "second signature bad": (
        _second_bad_signature,
        "signature of 'onestop.local/ledger' is invalid",
    ),
}


@pytest.mark.parametrize("case", TRUNCATIONS)
def test_node_and_python_agree_on_truncated_bundle(case, tmp_path):
    fill_ledger(13)
    vkey = get_vkey()
    cut, part, where = TRUNCATIONS[case]
    bundle = cut(proof_bundle(LedgerEntry.objects.get(index=7)))
    reason = truncation_reason(part, where)

    with pytest.raises(BundleInvalid) as caught:
        verify_proof_bundle(bundle, vkey)
    result = _run_node(bundle, vkey, tmp_path)

    assert caught.value.as_dict()["details"]["reason"] == reason
    assert result == {"ok": False, "error": reason}


@pytest.mark.parametrize("case", CHANGED_BUNDLES)
def test_node_and_python_agree_on_changed_bundle(case, tmp_path):
    fill_ledger(13)
    vkey = get_vkey()
    change, reason = CHANGED_BUNDLES[case]
    bundle = change(proof_bundle(LedgerEntry.objects.get(index=7)))

    with pytest.raises(BundleInvalid) as caught:
        verify_proof_bundle(bundle, vkey)
    result = _run_node(bundle, vkey, tmp_path)

    assert caught.value.as_dict()["details"]["reason"] == reason
    assert result == {"ok": False, "error": reason}


@pytest.mark.parametrize(
    ("vkey", "reason"),
    [
        ("bogus+vkey", "a verifier key has the form <name>+<hex key id>+<base64 key>"),
        ("a b+00+AA==", "key name 'a b' is empty or contains a space or '+'"),
        ("name+zz+AA==", "verifier key of 'name' is not valid hex and base64"),
        ("name+00 00 00 00+AA==", "verifier key of 'name' is not valid hex and base64"),
        (
            "name+00+AA==",
            "verifier key of 'name' is not a 4-byte id and an Ed25519 key",
        ),
    ],
)
def test_node_and_python_agree_on_bad_vkey(vkey, reason, tmp_path):
    fill_ledger(2)
    bundle = proof_bundle(LedgerEntry.objects.get(index=1))

    with pytest.raises(BundleInvalid) as caught:
        verify_proof_bundle(bundle, vkey)
    result = _run_node(bundle, vkey, tmp_path)

    assert caught.value.as_dict()["details"]["reason"] == reason
    assert result == {"ok": False, "error": reason}


def test_node_names_the_unreadable_file(tmp_path):
    path = tmp_path / "entry.tlog-proof"
    path.write_bytes(b"c2sp.org/tlog-proof@v1\n\xff\n")

    completed = subprocess.run(  # noqa: S603 (fixed interpreter and script)
        [str(NODE), str(JS_DIR / "verify.js"), str(path), "a+00+AA=="],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )

    assert completed.returncode == 1
    assert json.loads(completed.stdout) == {
        "ok": False,
        "error": "the bundle is not UTF-8 text",
    }
