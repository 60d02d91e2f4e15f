"""Cross-check: a checkpoint and an inclusion proof made here verify with
@sigstore/verify.
"""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest

from onestop.core.ledger.bundle import proof_bundle
from onestop.core.ledger.checkpoint import get_vkey
from onestop.core.ledger.models import LedgerEntry
from onestop.core.ledger.tests.factories import fill_ledger

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

    assert result["ok"] is False
    assert "root hash" in result["error"]


def test_node_rejects_changed_checkpoint(tmp_path):
    fill_ledger(13)
    bundle = proof_bundle(LedgerEntry.objects.get(index=7))

    result = _run_node(bundle.replace("\n13\n", "\n14\n"), get_vkey(), tmp_path)

    assert result == {"ok": False, "error": "invalid checkpoint signature"}
