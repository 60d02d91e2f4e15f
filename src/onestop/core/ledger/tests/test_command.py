from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.utils import translation

from onestop.core.ledger.checkpoint import get_vkey
from onestop.core.ledger.management.commands.ledger import Command as LedgerCommand
from onestop.core.ledger.models import Checkpoint, LedgerEntry, LedgerKey
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


def test_verify_needs_no_secret_key(settings):
    fill_ledger(2)
    settings.SECRET_KEY = ""
    output = StringIO()

    with translation.override("en"):
        call_command("ledger", "verify", stdout=output)

    assert output.getvalue().strip() == (
        "tree size 2: checked 2 entries, 1 tile, 1 checkpoint; 0 problems"
    )


def test_verify_fills_public_key_of_older_key():
    fill_ledger(2)
    key = LedgerKey.objects.get()
    public = bytes(key.public_key)
    LedgerKey.objects.update(public_key=b"")

    call_command("ledger", "verify", stdout=StringIO())

    assert bytes(LedgerKey.objects.get().public_key) == public


def test_verify_older_key_without_secret_key_fails_cleanly(settings):
    fill_ledger(2)
    LedgerKey.objects.update(public_key=b"")
    settings.SECRET_KEY = ""
    settings.ONESTOP_SERVER_DATABASE = False

    with translation.override("en"), pytest.raises(CommandError) as raised:
        call_command("ledger", "verify", stdout=StringIO())

    message = str(raised.value)
    assert message.startswith("signing.secret_key_missing: The secret key is not set")
    assert str(settings.VAR_DIR / "secret_key") in message
    assert "ONESTOP_SECRET_KEY" in message


def test_verify_creates_no_signing_key():
    output = StringIO()

    with translation.override("en"):
        call_command("ledger", "verify", stdout=output)

    assert not LedgerKey.objects.exists()
    assert output.getvalue().strip().endswith("0 problems")


def test_verify_reports_missing_signing_key():
    fill_ledger(1)
    LedgerKey.objects.all().delete()

    with translation.override("en"), pytest.raises(CommandError) as raised:
        call_command("ledger", "verify", stdout=StringIO())

    assert "1 problem" in str(raised.value)
    assert not LedgerKey.objects.exists()


def test_server_without_secret_key_names_variable(settings):
    fill_ledger(2)
    LedgerKey.objects.update(public_key=b"")
    settings.SECRET_KEY = ""
    settings.ONESTOP_SERVER_DATABASE = True

    with translation.override("en"), pytest.raises(CommandError) as raised:
        call_command("ledger", "verify", stdout=StringIO())

    message = str(raised.value)
    assert message.startswith("signing.secret_key_missing: The secret key is not set")
    assert "Set ONESTOP_SECRET_KEY" in message
    assert "DATABASE_URL" in message
    assert str(settings.VAR_DIR / "secret_key") not in message
