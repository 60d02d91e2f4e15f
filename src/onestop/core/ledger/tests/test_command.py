from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import translation

from onestop.core.ledger.checkpoint import get_vkey
from onestop.core.ledger.management.commands.ledger import Command as LedgerCommand
from onestop.core.ledger.models import Checkpoint, LedgerEntry
from onestop.core.ledger.tests.factories import fill_ledger, queue_cases
from onestop.core.management.base import LANGUAGE_VARIABLES

pytestmark = pytest.mark.django_db


def test_integrate_command_integrates_and_publishes():
    queue_cases(5)
    output = StringIO()

    call_command("ledger", "integrate", "--batch-size", "2", stdout=output)

    assert output.getvalue().strip() == "integrated 5 entries; new checkpoint size: 5"
    assert not LedgerEntry.objects.filter(index__isnull=True).exists()
    assert Checkpoint.objects.get().size == 5


def test_integrate_command_counts_one_entry():
    queue_cases(1)
    output = StringIO()

    call_command("ledger", "integrate", stdout=output)

    assert output.getvalue().strip() == "integrated 1 entry; new checkpoint size: 1"


def test_verify_command_counts_in_english():
    fill_ledger(1)
    output = StringIO()

    with translation.override("en"):
        call_command("ledger", "verify", stdout=output)

    assert output.getvalue().strip() == (
        "tree size 1: checked 1 entry, 1 tile, 1 checkpoint; 0 problems"
    )


def test_vkey_command_prints_verifier_key():
    output = StringIO()

    call_command("ledger", "vkey", stdout=output)

    assert output.getvalue().strip() == get_vkey()
    assert output.getvalue().startswith("onestop.local/ledger+")


def _clear_locale(monkeypatch) -> None:
    for name in LANGUAGE_VARIABLES:
        monkeypatch.delenv(name, raising=False)


def test_verify_prints_chinese_for_chinese_locale(monkeypatch, capsys):
    fill_ledger(3)
    _clear_locale(monkeypatch)
    monkeypatch.setenv("LANG", "zh_CN.UTF-8")

    LedgerCommand().run_from_argv(["onestop", "ledger", "verify"])

    assert capsys.readouterr().out == (
        "树的大小 3：检查了 3 条存证记录、1 个分片、1 个签名树头；发现 0 个问题\n"
    )


def test_verify_findings_print_in_chinese(monkeypatch, capsys):
    fill_ledger(3)
    LedgerEntry.objects.filter(index=1).update(kind="certificate.revoked")
    _clear_locale(monkeypatch)
    monkeypatch.setenv("LC_ALL", "zh_CN.UTF-8")

    with pytest.raises(SystemExit) as caught:
        LedgerCommand().run_from_argv(["onestop", "ledger", "verify"])

    output = capsys.readouterr()
    assert caught.value.code == 1
    assert output.out == (
        '存证记录 1: entry_column_edited: kind 列为 "certificate.revoked"，但文档中为 '
        '"case.accepted"\n'
    )
    assert "发现 1 个问题" in output.err


def test_verify_prints_english_for_other_locale(monkeypatch, capsys):
    fill_ledger(3)
    _clear_locale(monkeypatch)
    monkeypatch.setenv("LANG", "C.UTF-8")

    with translation.override("zh-hans"):
        LedgerCommand().run_from_argv(["onestop", "ledger", "verify"])

    assert capsys.readouterr().out.startswith("tree size 3: checked 3 entries")
