"""Benchmark the ledger: batched append, inclusion and consistency proofs per second.

Usage (from the repository root):

    .venv/bin/python bench/bench_ledger.py --entries 100000 1000000

Every size starts from empty ledger tables in one SQLite file in a temporary folder,
unless DATABASE_URL points at another database such as PostgreSQL. The same run measures
two baselines on the same entry bytes: a raw batched INSERT of the bytes into a table
with one blob column, and plain SHA-256 hashing of the bytes. Prints one JSON object per
size.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import platform
import random
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
BATCH = 1000


def _setup_django(folder: Path) -> None:
    sys.path.insert(0, str(REPO / "src"))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "onestop.settings")
    os.environ.setdefault("ONESTOP_VAR_DIR", str(folder))
    if not os.environ.get("DATABASE_URL"):
        os.environ["DATABASE_URL"] = f"sqlite:///{folder / 'bench.sqlite3'}"
    import django

    django.setup()


def _prepare_database() -> None:
    from django.core.management import call_command

    from onestop.core.ledger.models import Checkpoint, LedgerEntry, LedgerNode, LogHead

    call_command("migrate", verbosity=0, skip_checks=True, run_syncdb=True)
    for model in (LedgerEntry, LedgerNode, Checkpoint, LogHead):
        model.objects.all().delete()


def _append(count: int) -> float:
    """Queue `count` entries in transactions of BATCH and integrate them; return
    seconds.
    """
    from django.db import transaction

    from onestop.core.ledger.actions import queue_entry
    from onestop.core.ledger.sequencer import integrate_pending

    started = time.perf_counter()
    for start in range(0, count, BATCH):
        with transaction.atomic():
            for number in range(start, min(start + BATCH, count)):
                queue_entry(
                    "case.accepted", {"case_id": number, "state": "accepted"}, centre=1
                )
        integrate_pending(batch_size=BATCH)
    return time.perf_counter() - started


def _entry_bytes() -> list[bytes]:
    from onestop.core.ledger.models import LedgerEntry

    return [bytes(data) for data in LedgerEntry.objects.values_list("data", flat=True)]


def _raw_insert(datas: list[bytes]) -> float:
    """Insert the entry bytes into a one-column table in batches; return seconds."""
    from django.db import connection, transaction

    with connection.cursor() as cursor:
        cursor.execute("DROP TABLE IF EXISTS bench_raw_entry")
        cursor.execute(
            "CREATE TABLE bench_raw_entry (id BIGINT PRIMARY KEY, data BYTEA)"
        )
    started = time.perf_counter()
    for start in range(0, len(datas), BATCH):
        rows = [
            (start + offset, data)
            for offset, data in enumerate(datas[start : start + BATCH])
        ]
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.executemany(
                "INSERT INTO bench_raw_entry (id, data) VALUES (%s, %s)", rows
            )
    elapsed = time.perf_counter() - started
    with connection.cursor() as cursor:
        cursor.execute("DROP TABLE bench_raw_entry")
    return elapsed


def _hash_only(datas: list[bytes]) -> float:
    started = time.perf_counter()
    for data in datas:
        hashlib.sha256(b"\x00" + data).digest()
    return time.perf_counter() - started


def _rate(function, arguments: list, seconds: float) -> float:
    """Call `function` until the arguments or the time run out; return calls/s."""
    started = time.perf_counter()
    done = 0
    for argument in arguments:
        function(*argument)
        done += 1
        if time.perf_counter() - started > seconds:
            break
    return done / (time.perf_counter() - started)


def run(count: int, proof_seconds: float) -> dict:
    from django.db import connection

    from onestop.core.ledger import merkle
    from onestop.core.ledger.queries import (
        get_consistency_proof,
        get_inclusion_proof,
        get_root,
    )
    from onestop.core.ledger.sequencer import publish_checkpoint

    _prepare_database()
    append_seconds = _append(count)
    checkpoint = publish_checkpoint()
    datas = _entry_bytes()
    raw_seconds = _raw_insert(datas)
    hash_seconds = _hash_only(datas)

    sample = random.Random(count)
    root = get_root(count)
    inclusion = [(sample.randrange(count), count) for _ in range(20000)]
    consistency = [(sample.randrange(1, count), count) for _ in range(20000)]
    inclusion_rate = _rate(get_inclusion_proof, inclusion, proof_seconds)
    consistency_rate = _rate(get_consistency_proof, consistency, proof_seconds)

    index = inclusion[0][0]
    merkle.verify_inclusion(
        index,
        count,
        merkle.leaf_hash(datas[index]),
        get_inclusion_proof(index, count),
        root,
    )
    return {
        "entries": count,
        "database": connection.vendor,
        "append_per_second": round(count / append_seconds),
        "raw_insert_per_second": round(count / raw_seconds),
        "sha256_per_second": round(count / hash_seconds),
        "append_vs_raw_insert": round(raw_seconds / append_seconds, 3),
        "append_vs_sha256": round(hash_seconds / append_seconds, 5),
        "inclusion_proofs_per_second": round(inclusion_rate),
        "consistency_proofs_per_second": round(consistency_rate),
        "checkpoint_size": checkpoint.size if checkpoint else None,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument(
        "--entries",
        type=int,
        nargs="+",
        default=[100_000],
        help="Log sizes to measure.",
    )
    parser.add_argument(
        "--proof-seconds",
        type=float,
        default=10.0,
        help="Time limit of each proof measurement, in seconds.",
    )
    arguments = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="bench-ledger-") as folder:
        _setup_django(Path(folder))
        print(
            json.dumps(
                {"python": platform.python_version(), "machine": platform.machine()}
            )
        )
        for count in arguments.entries:
            print(json.dumps(run(count, arguments.proof_seconds)), flush=True)


if __name__ == "__main__":
    main()
