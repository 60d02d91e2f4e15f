"""Benchmark of department exchange delivery through the outbox, against the simulator.

Run from the repository root:

    .venv/bin/python bench/bench_exchange.py --cases 1000 --workers 4

It starts `onestop serve`, `onestop dept-sim` and WORKERS `onestop worker` processes
on 127.0.0.1 against one SQLite file in a temporary directory, and measures:

1. throughput: CASES dispatches waiting in the outbox, drained by the workers; every
   envelope is signed, POSTed to the simulator, which sends two signed callbacks back.
2. the baseline: the same number of outbox rows inserted and deleted one transaction
   each with sqlite3 on the same file, and the ratio of the two rates.
3. latency: LATENCY_CASES cases accepted while the workers run; the time from
   acceptance to the receipt of the approval callback, p50 and p99.
"""

from __future__ import annotations

import argparse
import json
import platform
import sqlite3
import sys
import tempfile
import time
import uuid
from datetime import datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from onestop.exchange.harness import Deployment, wait_until  # noqa: E402

TIMEOUT_SECONDS = 1800


def delivered(deployment: Deployment) -> int:
    rows = deployment.sql(
        "SELECT COUNT(*) FROM core_outboxmessage "
        "WHERE topic = 'exchange.dispatch' AND status = 'delivered'"
    )
    return rows[0][0]


def measure_throughput(deployment: Deployment, cases: int, workers: int) -> dict:
    deployment.accept_cases(cases, "throughput")
    started = time.monotonic()
    for index in range(workers):
        deployment.start_workers(f"worker-{index}", 1)
    wait_until(lambda: delivered(deployment) >= cases, timeout=TIMEOUT_SECONDS)
    delivery_seconds = time.monotonic() - started
    wait_until(
        lambda: deployment.finished("throughput") >= cases, timeout=TIMEOUT_SECONDS
    )
    result_seconds = time.monotonic() - started
    return {
        "cases": cases,
        "workers": workers,
        "delivery_seconds": round(delivery_seconds, 2),
        "deliveries_per_second": round(cases / delivery_seconds, 1),
        "results_seconds": round(result_seconds, 2),
        "results_per_second": round(cases / result_seconds, 1),
    }


def measure_raw(path: Path, rows: int) -> dict:
    """Insert and delete `rows` outbox rows, one transaction each, with plain sqlite3."""
    connection = sqlite3.connect(path, timeout=30, isolation_level=None)
    connection.execute("PRAGMA journal_mode=WAL")
    connection.execute("PRAGMA synchronous=NORMAL")
    ids = [uuid.uuid4().hex for _ in range(rows)]
    now = datetime.now().isoformat(sep=" ")
    started = time.monotonic()
    for row_id in ids:
        connection.execute("BEGIN IMMEDIATE")
        connection.execute(
            "INSERT INTO core_outboxmessage (id, topic, payload, status, attempts, "
            "max_attempts, available_at, leased_by, last_error, created_at) "
            "VALUES (?, 'bench.raw', '{}', 'pending', 0, 8, ?, '', '', ?)",
            (row_id, now, now),
        )
        connection.execute("COMMIT")
    for row_id in ids:
        connection.execute("BEGIN IMMEDIATE")
        connection.execute("DELETE FROM core_outboxmessage WHERE id = ?", (row_id,))
        connection.execute("COMMIT")
    seconds = time.monotonic() - started
    connection.close()
    return {
        "rows": rows,
        "seconds": round(seconds, 3),
        "rows_per_second": round(rows / seconds, 1),
    }


def measure_latency(deployment: Deployment, cases: int) -> dict:
    deployment.accept_cases(cases, "latency")
    wait_until(lambda: deployment.finished("latency") >= cases, timeout=TIMEOUT_SECONDS)
    rows = deployment.sql(
        "SELECT c.accepted_at, b.received_at FROM cases_case c "
        "JOIN exchange_departmentcallback b ON b.case_id = c.id "
        "WHERE b.status = 'approved' AND c.idempotency_key LIKE 'latency-%'"
    )
    latencies = sorted(
        (
            datetime.fromisoformat(received) - datetime.fromisoformat(accepted)
        ).total_seconds()
        for accepted, received in rows
    )
    return {
        "cases": len(latencies),
        "p50_seconds": round(percentile(latencies, 0.50), 3),
        "p99_seconds": round(percentile(latencies, 0.99), 3),
        "max_seconds": round(latencies[-1], 3),
    }


def percentile(values: list[float], share: float) -> float:
    """Return the nearest-rank percentile of sorted values."""
    rank = max(0, min(len(values) - 1, round(share * len(values) + 0.5) - 1))
    return values[rank]


def machine() -> str:
    import os

    processor = platform.processor() or platform.machine()
    return f"{processor}, {os.cpu_count()} CPUs, {platform.platform()}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--cases", type=int, default=1000, help="dispatches to drain")
    parser.add_argument("--workers", type=int, default=4, help="worker processes")
    parser.add_argument(
        "--latency-cases", type=int, default=200, help="cases for the latency run"
    )
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="bench-exchange-") as directory:
        deployment = Deployment(Path(directory))
        try:
            deployment.set_up()
            deployment.start_server()
            deployment.start_simulator("--delay=0")
            throughput = measure_throughput(deployment, args.cases, args.workers)
            raw = measure_raw(Path(directory) / "onestop.sqlite3", args.cases)
            latency = measure_latency(deployment, args.latency_cases)
        finally:
            deployment.stop_all()

    ratio = throughput["deliveries_per_second"] / raw["rows_per_second"]
    print(
        json.dumps(
            {
                "machine": machine(),
                "python": platform.python_version(),
                "throughput": throughput,
                "raw_insert_delete": raw,
                "delivery_to_raw_ratio": round(ratio, 4),
                "acceptance_to_receipt": latency,
            },
            indent=2,
        )
    )


if __name__ == "__main__":
    main()
