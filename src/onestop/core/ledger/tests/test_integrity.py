from __future__ import annotations

import datetime as dt
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection

from onestop.core.ledger import integrity
from onestop.core.ledger.integrity import check_ledger
from onestop.core.ledger.models import (
    Checkpoint,
    LedgerEntry,
    LedgerTile,
    tile_key,
)
from onestop.core.ledger.tests.factories import edit_tile_hash, fill_ledger
from onestop.core.tests.test_progress import TERMINAL_VARIABLES, assert_rises_to_total

pytestmark = pytest.mark.django_db


def _positions() -> list[str]:
    return [
        f"{finding.position}: {finding.kind}" for finding in check_ledger().findings
    ]


@pytest.fixture
def ledger() -> None:
    fill_ledger(21, checkpoint_every=8)


def test_untouched_ledger_has_no_findings(ledger):
    report = check_ledger()

    assert report.ok
    assert report.entries_checked == 21
    assert report.checkpoints_checked == 3


def test_verify_command_prints_summary(ledger):
    output = StringIO()

    call_command("ledger", "verify", stdout=output)

    assert "tree size 21: checked 21 entries" in output.getvalue()
    assert "0 problems" in output.getvalue()


def test_edited_entry_data_is_reported(ledger):
    entry = LedgerEntry.objects.get(index=5)
    LedgerEntry.objects.filter(pk=entry.pk).update(
        data=bytes(entry.data).replace(b'"case_id":5', b'"case_id":6')
    )

    positions = _positions()

    assert positions[0] == "entry 5: entry_edited"
    # Every checkpoint from size 8 on covers entry 5, so each no longer matches the
    # entries.
    assert positions[1:] == [
        f"checkpoint {pk}: checkpoint_root_mismatch" for pk in _checkpoints()
    ]


def _checkpoints() -> list[int]:
    return list(Checkpoint.objects.order_by("size").values_list("pk", flat=True))


def test_edited_leaf_hash_column_is_reported(ledger):
    LedgerEntry.objects.filter(index=3).update(leaf_hash=b"\x01" * 32)

    assert _positions() == ["entry 3: entry_edited"]


def test_deleted_entry_is_reported(ledger):
    LedgerEntry.objects.filter(index=12).delete()

    assert _positions() == ["entry 12: entry_deleted"]


def test_edited_upper_tile_is_reported(ledger):
    # Tile 1/0 holds the hash of leaves 0..15, checked against tile 0/0.
    edit_tile_hash(1, 0, 0, b"\x02" * 32)

    assert _positions() == ["tile 1/0: tile_edited"]


def test_edited_leaf_hash_in_partial_tile_is_reported(ledger):
    # Leaf 20 is hash 4 of tile 0/1, which holds leaves 16..20.
    edit_tile_hash(0, 1, 4, b"\x02" * 32)

    findings = check_ledger().findings
    assert [str(finding) for finding in findings] == [
        "tile 0/1: tile_edited: hash 4 (node 0/20) differs from its entry"
    ]


def test_deleted_tile_is_reported_once(ledger):
    LedgerTile.objects.filter(key=tile_key(0, 0)).delete()

    assert _positions() == ["tile 0/0: tile_deleted"]


def test_tile_of_wrong_width_is_reported(ledger):
    tile = LedgerTile.objects.get(key=tile_key(0, 1))
    LedgerTile.objects.filter(pk=tile.pk).update(hashes=bytes(tile.hashes)[:-32])

    assert _positions() == ["tile 0/1: tile_edited"]


def test_tile_past_the_tree_is_reported(ledger):
    LedgerTile.objects.create(key=tile_key(1, 3), band=1, index=3, hashes=b"\x02" * 32)

    assert _positions() == ["tile 1/3: tile_beyond_tree"]


def test_changed_tile_is_not_reported_again_further_up():
    fill_ledger(300)
    assert check_ledger().ok
    # Tile 0/17 holds leaves 272..287; tile 1/1 holds the subtrees of leaves 256..299,
    # and tile 2/0 the subtree of leaves 0..255.
    edit_tile_hash(0, 17, 3, b"\x02" * 32)
    edit_tile_hash(1, 0, 5, b"\x02" * 32)

    assert _positions() == ["tile 0/17: tile_edited", "tile 1/0: tile_edited"]


def test_edited_checkpoint_root_is_reported(ledger):
    checkpoint = Checkpoint.objects.get(size=16)
    Checkpoint.objects.filter(pk=checkpoint.pk).update(root_hash=b"\x03" * 32)

    assert _positions() == [f"checkpoint {checkpoint.pk}: checkpoint_edited"]


def test_edited_checkpoint_note_is_reported(ledger):
    checkpoint = Checkpoint.objects.get(size=8)
    Checkpoint.objects.filter(pk=checkpoint.pk).update(
        note=checkpoint.note.replace("\n8\n", "\n7\n", 1)
    )

    assert _positions() == [f"checkpoint {checkpoint.pk}: checkpoint_signature_invalid"]


def test_deleted_checkpoint_is_reported(ledger):
    checkpoint_id = Checkpoint.objects.get(size=16).pk
    Checkpoint.objects.filter(pk=checkpoint_id).delete()

    assert _positions() == [f"checkpoint {checkpoint_id}: checkpoint_deleted"]


def test_verify_command_fails_with_each_finding(ledger):
    LedgerEntry.objects.filter(index=2).update(leaf_hash=b"\x01" * 32)
    edit_tile_hash(0, 0, 7, b"\x02" * 32)
    output = StringIO()

    with pytest.raises(CommandError) as caught:
        call_command("ledger", "verify", stdout=output)

    assert "entry 2: entry_edited" in output.getvalue()
    assert "tile 0/0: tile_edited" in output.getvalue()
    assert "2 problems" in str(caught.value)
    assert caught.value.returncode == 1


def test_edited_kind_column_is_reported(ledger):
    LedgerEntry.objects.filter(index=5).update(kind="certificate.revoked")

    findings = [str(finding) for finding in check_ledger().findings]

    assert findings == [
        'entry 5: entry_column_edited: kind is "certificate.revoked" but the '
        'document has "case.accepted"'
    ]


def test_edited_centre_column_is_reported(ledger):
    LedgerEntry.objects.filter(index=7).update(centre_id=None)

    findings = [str(finding) for finding in check_ledger().findings]

    assert findings == [
        "entry 7: entry_column_edited: centre_id is null but the document has 1"
    ]


def test_edited_queue_time_column_is_reported(ledger):
    entry = LedgerEntry.objects.get(index=2)
    LedgerEntry.objects.filter(pk=entry.pk).update(
        queued_at=entry.queued_at - dt.timedelta(days=1)
    )

    assert _positions() == ["entry 2: entry_column_edited"]


def test_two_edited_columns_are_one_finding(ledger):
    LedgerEntry.objects.filter(index=5).update(kind="certificate.revoked", centre_id=2)

    findings = check_ledger().findings

    assert len(findings) == 1
    assert "kind is" in findings[0].detail
    assert "centre_id is 2 but the document has 1" in findings[0].detail


def test_verify_command_names_edited_column(ledger):
    LedgerEntry.objects.filter(index=5).update(kind="certificate.revoked")
    output = StringIO()

    with pytest.raises(CommandError) as caught:
        call_command("ledger", "verify", stdout=output)

    assert "entry 5: entry_column_edited" in output.getvalue()
    assert caught.value.returncode == 1


@pytest.mark.skipif(
    connection.vendor != "sqlite", reason="only SQLite stores any type in any column"
)
def test_columns_edited_to_other_types_are_reported(ledger):
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE ledger_ledgerentry SET kind = X'636173652e' WHERE \"index\" = 7"
        )
        cursor.execute(
            "UPDATE ledger_ledgerentry SET data = 'not json' WHERE \"index\" = 9"
        )

    positions = _positions()

    assert "entry 7: entry_column_edited" in positions
    assert "entry 9: entry_edited" in positions


def test_check_reports_progress(ledger, monkeypatch):
    monkeypatch.setattr(integrity, "PROGRESS_INTERVAL", 5)
    reports: list[tuple[int, int]] = []

    check_ledger(lambda done, total: reports.append((done, total)))

    assert reports == [(5, 21), (10, 21), (15, 21), (20, 21), (21, 21)]
    assert_rises_to_total(reports)


def test_verify_output_without_terminal(ledger, capsys, monkeypatch):
    for name in TERMINAL_VARIABLES:
        monkeypatch.delenv(name, raising=False)
    output = StringIO()

    call_command("ledger", "verify", stdout=output)

    captured = capsys.readouterr()
    assert captured.out == ""
    assert captured.err == ""
    assert output.getvalue().startswith("tree size 21: checked 21 entries")
    assert output.getvalue().count("\n") == 1
