from __future__ import annotations

import base64

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from django.utils import translation

from onestop.core.ledger import merkle
from onestop.core.ledger.bundle import HEADER, proof_bundle, verify_proof_bundle
from onestop.core.ledger.checkpoint import get_vkey
from onestop.core.ledger.errors import (
    BundleInvalid,
    EntryNotIntegrated,
    NoCheckpointCoversEntry,
)
from onestop.core.ledger.models import LedgerEntry
from onestop.core.ledger.note import format_vkey
from onestop.core.ledger.reasons import ReasonError
from onestop.core.ledger.sequencer import integrate_pending
from onestop.core.ledger.tests.factories import (
    TRUNCATIONS,
    fill_ledger,
    queue_cases,
    truncation_reason,
)

pytestmark = pytest.mark.django_db


def _bundle(index: int = 4) -> str:
    fill_ledger(11)
    return proof_bundle(LedgerEntry.objects.get(index=index))


def test_bundle_has_tlog_proof_layout():
    lines = _bundle().split("\n")

    assert lines[0] == HEADER
    assert lines[1].startswith("extra ")
    assert lines[2] == "index 4"
    assert "" in lines
    assert lines[lines.index("") + 2] == "11"


def test_bundle_verifies_offline():
    verified = verify_proof_bundle(_bundle(), get_vkey())

    assert verified.index == 4
    assert verified.checkpoint.size == 11
    assert verified.document["body"]["case_id"] == 4


def test_bundle_with_changed_entry_fails():
    text = _bundle()
    extra = next(line for line in text.split("\n") if line.startswith("extra "))
    data = base64.b64decode(extra.removeprefix("extra ")).replace(
        b'"case_id":4', b'"case_id":5'
    )
    changed = text.replace(extra, "extra " + base64.b64encode(data).decode())

    with pytest.raises(BundleInvalid) as caught:
        verify_proof_bundle(changed, get_vkey())

    assert caught.value.code == "ledger.bundle_invalid"


def test_bundle_with_changed_index_fails():
    with pytest.raises(BundleInvalid):
        verify_proof_bundle(_bundle().replace("index 4\n", "index 5\n"), get_vkey())


def test_bundle_with_other_key_fails():
    other = format_vkey("onestop.local/ledger", Ed25519PrivateKey.generate())

    with pytest.raises(BundleInvalid):
        verify_proof_bundle(_bundle(), other)


def test_bundle_checks_given_entry_bytes():
    text = _bundle()

    with pytest.raises(BundleInvalid):
        verify_proof_bundle(text, get_vkey(), data=b"{}")


def test_bundle_without_header_fails():
    with pytest.raises(BundleInvalid):
        verify_proof_bundle(
            _bundle().replace(HEADER, "c2sp.org/tlog-proof@v2"), get_vkey()
        )


def test_pending_entry_has_no_bundle():
    queue_cases(1)

    with pytest.raises(EntryNotIntegrated):
        proof_bundle(LedgerEntry.objects.get())


def test_entry_after_latest_checkpoint_has_no_bundle():
    fill_ledger(2)
    queue_cases(1, start=2)
    integrate_pending()

    with pytest.raises(NoCheckpointCoversEntry):
        proof_bundle(LedgerEntry.objects.get(index=2))


def _reason_in_chinese(text: str, vkey: str) -> str:
    with translation.override("zh-hans"), pytest.raises(BundleInvalid) as caught:
        verify_proof_bundle(text, vkey)
    with translation.override("zh-hans"):
        return str(caught.value.message_values()["reason"])


@pytest.mark.parametrize(
    ("change", "reason"),
    [
        (lambda text: text.replace(HEADER, "c2sp.org/tlog-proof@v2"), "第一行不是"),
        (lambda text: text.replace("index 4\n", "index A\n"), "序号 'A' 不是十进制数"),
        (lambda text: text.replace("index 4\n", "index 5\n"), "算出的根哈希"),
        (lambda text: text.replace("index 4\n", "index 99\n"), "叶子序号 99"),
        (lambda text: text.replace("\n11\n", "\nA\n"), "树的大小 'A' 不是十进制数"),
    ],
)
def test_bundle_reason_reads_in_chinese(change, reason):
    shown = _reason_in_chinese(change(_bundle()), get_vkey())

    assert reason in shown


def test_bundle_key_reason_reads_in_chinese():
    other = format_vkey("onestop.local/ledger", Ed25519PrivateKey.generate())

    shown = _reason_in_chinese(_bundle(), other)

    assert shown == "签名文本中没有已知密钥的签名"


def test_reason_str_stays_english():
    error = ReasonError(
        "leaf index %(index)s is not below tree size %(size)s", index=99, size=13
    )

    with translation.override("zh-hans"):
        text = str(error)
        shown = error.render()

    assert text == "leaf index 99 is not below tree size 13"
    assert shown == "叶子序号 99 不小于树的大小 13"


def test_entry_json_error_in_chinese(monkeypatch):
    text = _bundle()
    extra = next(line for line in text.split("\n") if line.startswith("extra "))
    changed = text.replace(extra, "extra " + base64.b64encode(b"{bad").decode())
    # The inclusion check is stubbed out so that the changed entry reaches the JSON parse.
    monkeypatch.setattr(merkle, "verify_inclusion", lambda *arguments: None)

    with translation.override("zh-hans"), pytest.raises(BundleInvalid) as caught:
        verify_proof_bundle(changed, get_vkey())

    with translation.override("zh-hans"):
        message = caught.value.render()
    assert (
        "存证记录不是 UTF-8 编码的 JSON（第 1 行第 2 列：此处应有用双引号括起的成员名）"
        in message
    )
    assert "Expecting" not in message
    assert caught.value.as_dict()["details"]["reason"] == (
        "the entry is not UTF-8 JSON (line 1, column 2: a member name in double "
        "quotes is expected)"
    )


@pytest.mark.parametrize("case", TRUNCATIONS)
def test_truncated_bundle_names_part(case):
    cut, part, where = TRUNCATIONS[case]
    bundle = _bundle()

    with translation.override("en"), pytest.raises(BundleInvalid) as caught:
        verify_proof_bundle(cut(bundle), get_vkey())

    assert caught.value.details["part"] == part
    assert caught.value.as_dict()["details"]["reason"] == truncation_reason(part, where)
    assert truncation_reason(part, where) in caught.value.render()


def test_truncated_bundle_reason_in_chinese():
    bundle = _bundle()
    cut = bundle[: bundle.index("\n\n") + 2]

    with translation.override("zh-hans"), pytest.raises(BundleInvalid) as caught:
        verify_proof_bundle(cut, get_vkey())
    with translation.override("zh-hans"):
        message = caught.value.render()
    assert "证明包在签名树头之前被截断，缺少签名树头" in message
    assert caught.value.details["part"] == "checkpoint"
    assert caught.value.as_dict()["details"]["reason"] == truncation_reason(
        "checkpoint", "before"
    )


def test_complete_bundle_not_truncated():
    bundle = _bundle()

    assert verify_proof_bundle(bundle, get_vkey()).index == 4
    assert bundle.endswith("\n")
