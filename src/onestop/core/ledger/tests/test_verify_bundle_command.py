"""`onestop ledger verify-bundle FILE` checks an offline proof bundle from the shell."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.utils import translation

from onestop.core.ledger.bundle import proof_bundle
from onestop.core.ledger.checkpoint import get_vkey
from onestop.core.ledger.models import LedgerEntry
from onestop.core.ledger.tests.factories import fill_ledger
from onestop.core.tests.test_command_errors import run_onestop

pytestmark = pytest.mark.django_db


@pytest.fixture
def bundle_file(tmp_path):
    fill_ledger(11)
    path = tmp_path / "entry.tlog-proof"
    path.write_text(proof_bundle(LedgerEntry.objects.get(index=4)), "utf-8")
    return path


def verify(*arguments: str) -> str:
    output = StringIO()
    with translation.override("en"):
        call_command("ledger", "verify-bundle", *arguments, stdout=output)
    return output.getvalue()


def test_valid_bundle_names_entry_log_and_data(bundle_file):
    printed = verify(str(bundle_file), "--vkey", get_vkey())

    assert printed.startswith(
        "valid: entry 4 is in the log onestop.local/ledger of size 11"
    )
    assert '"case_id":4' in printed


def test_deployment_key_is_the_default(bundle_file):
    assert verify(str(bundle_file)).startswith("valid: entry 4 ")


def test_changed_index_is_rejected_with_reason(bundle_file):
    text = bundle_file.read_text("utf-8").replace("index 4\n", "index 5\n")
    bundle_file.write_text(text, "utf-8")

    with pytest.raises(CommandError) as raised:
        verify(str(bundle_file))

    assert str(raised.value).startswith("ledger.bundle_invalid: ")


def test_cut_bundle_is_rejected(bundle_file):
    bundle_file.write_text(bundle_file.read_text("utf-8")[:-30], "utf-8")

    with pytest.raises(CommandError) as raised:
        verify(str(bundle_file))

    assert str(raised.value).startswith("ledger.bundle_invalid: ")


@pytest.mark.parametrize(
    ("content", "says"),
    [
        (b"\xff\xfe binary", "is not UTF-8 text"),
        (b"x" * (1024 * 1024 + 1), "more than a proof bundle's 1048576"),
    ],
)
def test_file_that_cannot_be_a_bundle_is_named(tmp_path, content, says):
    path = tmp_path / "photo.tlog-proof"
    path.write_bytes(content)

    with pytest.raises(CommandError) as raised:
        verify(str(path), "--vkey", "k+00000000+AQ")

    assert says in str(raised.value)
    assert str(path) in str(raised.value)


def test_missing_file_is_named(tmp_path):
    with pytest.raises(CommandError) as raised:
        verify(str(tmp_path / "none.tlog-proof"), "--vkey", "k+00000000+AQ")

    assert str(raised.value).startswith("ledger.bundle_unreadable: Cannot read ")


def test_bundle_with_crlf_line_ends(bundle_file):
    bundle_file.write_bytes(bundle_file.read_bytes().replace(b"\n", b"\r\n"))

    with pytest.raises(CommandError) as raised:
        verify(str(bundle_file))

    message = str(raised.value)
    assert message.startswith("ledger.bundle_invalid: ")
    assert "its lines end with CR LF" in message
    assert "first line" not in message


def test_bundle_with_vkey_needs_no_database(bundle_file, tmp_path):
    var = tmp_path / "var"

    result = run_onestop(
        "ledger",
        "verify-bundle",
        str(bundle_file),
        "--vkey",
        get_vkey(),
        cwd=tmp_path,
        language="en_US.UTF-8",
        ONESTOP_VAR_DIR=str(var),
        ONESTOP_SECRET_KEY="",
    )

    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("valid: entry 4 is in the log onestop.local/ledger")
    assert not var.exists()
