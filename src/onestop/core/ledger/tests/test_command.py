from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command

from onestop.core.ledger.checkpoint import get_vkey
from onestop.core.ledger.models import Checkpoint, LedgerEntry
from onestop.core.ledger.tests.factories import queue_cases

pytestmark = pytest.mark.django_db


def test_integrate_command_integrates_and_publishes():
    queue_cases(5)
    output = StringIO()

    call_command("ledger", "integrate", "--batch-size", "2", stdout=output)

    assert output.getvalue().strip() == "integrated 5 entries; new checkpoint size: 5"
    assert not LedgerEntry.objects.filter(index__isnull=True).exists()
    assert Checkpoint.objects.get().size == 5


def test_vkey_command_prints_verifier_key():
    output = StringIO()

    call_command("ledger", "vkey", stdout=output)

    assert output.getvalue().strip() == get_vkey()
    assert output.getvalue().startswith("onestop.local/ledger+")
