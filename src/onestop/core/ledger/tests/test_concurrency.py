"""Concurrent sequencer runs, in separate processes on one SQLite file."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from onestop.core.ledger.tests.paths import REPO

SETUP = "import django; django.setup()\n"

QUEUE = (
    SETUP
    + """
from django.db import transaction
from onestop.core.ledger.actions import queue_entry
for number in range(int(sys.argv[1])):
    with transaction.atomic():
        queue_entry("case.accepted", {"case_id": number, "writer": sys.argv[2]})
"""
)

INTEGRATE = (
    SETUP
    + """
import os, time
from onestop.core.ledger.sequencer import integrate_pending
# Run until the writers are done (the marker file exists) and a pass finds nothing,
# because on a busy machine the writers can pause longer than any fixed idle time.
deadline = time.monotonic() + 180
while time.monotonic() < deadline:
    # The marker is read before the pass, so an empty pass after it saw every entry.
    writers_done = os.path.exists(sys.argv[2])
    integrated = integrate_pending(batch_size=int(sys.argv[1]))
    if not integrated and writers_done:
        break
    if not integrated:
        time.sleep(0.05)
"""
)

CHECK = (
    SETUP
    + """
import json
from onestop.core.ledger import merkle
from onestop.core.ledger.models import LedgerEntry, LogHead
from onestop.core.ledger.tests.factories import expected_tiles, stored_tiles
entries = list(LedgerEntry.objects.order_by("index"))
tree = merkle.MemoryTree(merkle.leaf_hash(bytes(entry.data)) for entry in entries)
print(json.dumps({
    "count": len(entries),
    "indices": [entry.index for entry in entries] == list(range(len(entries))),
    "head": LogHead.objects.get(pk=1).size,
    "tiles_match": stored_tiles() == expected_tiles(tree),
}))
"""
)


def _environment(tmp_path: Path) -> dict[str, str]:
    environment = dict(os.environ)
    environment.update(
        DJANGO_SETTINGS_MODULE="onestop.settings",
        PYTHONPATH=str(REPO / "src"),
        DATABASE_URL=f"sqlite:///{tmp_path / 'ledger.sqlite3'}",
        ONESTOP_VAR_DIR=str(tmp_path),
    )
    return environment


def _start(code: str, *arguments: str, environment: dict[str, str]) -> subprocess.Popen:
    return subprocess.Popen(  # noqa: S603 (fixed interpreter and script)
        [sys.executable, "-c", "import sys\n" + code, *arguments],
        env=environment,
        cwd=REPO,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def _finish(process: subprocess.Popen) -> str:
    stdout, stderr = process.communicate(timeout=120)
    assert process.returncode == 0, stderr[-2000:]
    return stdout


@pytest.mark.timeout(240)
def test_concurrent_sequencers_integrate_each_entry_once(tmp_path):
    environment = _environment(tmp_path)
    migrate = [
        sys.executable,
        "-m",
        "django",
        "migrate",
        "ledger",
        "--skip-checks",
        "-v0",
    ]
    subprocess.run(migrate, env=environment, cwd=REPO, check=True, timeout=120)  # noqa: S603 (fixed interpreter and script)

    writers = [
        _start(QUEUE, "150", f"w{number}", environment=environment)
        for number in range(2)
    ]
    writers_done = tmp_path / "writers-done"
    sequencers = [
        _start(INTEGRATE, "20", str(writers_done), environment=environment)
        for _ in range(3)
    ]
    for process in writers:
        _finish(process)
    writers_done.touch()
    for process in sequencers:
        _finish(process)
    result = json.loads(_finish(_start(CHECK, environment=environment)))

    assert result["count"] == 300
    assert result["indices"]
    assert result["head"] == 300
    assert result["tiles_match"]
