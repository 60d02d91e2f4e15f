"""Delivery with real processes: a worker killed with SIGKILL, an outage, bad callbacks.

Every process runs on 127.0.0.1 against one SQLite file: `onestop serve` (callbacks),
`onestop worker` (deliveries) and `onestop dept-sim` (the department). Set
ONESTOP_RELIABILITY_CASES to change the number of cases of the SIGKILL test.
"""

from __future__ import annotations

import json
import os
import uuid

import httpx
import pytest

from onestop.exchange.harness import Deployment, wait_until

pytestmark = pytest.mark.slow

CASES = int(os.environ.get("ONESTOP_RELIABILITY_CASES", "1000"))
# Bound of each wait, in seconds: 0.6 s per case, far above the 0.25 s per case that the
# deliveries took on a loaded 2-core machine, and at least 4 minutes.
DRAIN_SECONDS = max(240, int(0.6 * CASES))


@pytest.fixture(scope="module")
def deployment(tmp_path_factory):
    deployment = Deployment(tmp_path_factory.mktemp("exchange-reliability"))
    deployment.set_up()
    deployment.start_server()
    try:
        yield deployment
    finally:
        deployment.stop_all()


@pytest.fixture(autouse=True)
def stop_test_processes(deployment):
    """Stop the workers and the simulator a test started, even when it fails, so that
    the next test starts its own simulator on the port."""
    yield
    deployment.stop_all(keep=("serve",))


# Each test is bounded by its own waits, which allow for a loaded machine, so the suite's
# per-test timeout, shorter than those, does not apply.
@pytest.mark.timeout(2 * DRAIN_SECONDS + 300)
def test_killed_worker_loses_and_repeats_nothing(deployment):
    deployment.accept_cases(CASES, "kill")
    deployment.start_simulator("--delay=0")
    deployment.start_workers("first-worker", 2)
    wait_until(lambda: deployment.finished("kill") >= CASES // 4, timeout=DRAIN_SECONDS)
    deployment.kill("first-worker")
    # Leases of the killed worker would expire after 60 s; clear them instead of waiting.
    deployment.sql(
        "UPDATE core_outboxmessage SET leased_until = NULL WHERE status = 'pending'"
    )
    deployment.start_workers("second-worker", 2)
    wait_until(lambda: deployment.finished("kill") == CASES, timeout=DRAIN_SECONDS)

    report = deployment.report("kill")
    assert report["states"] == {"result_issued": CASES}
    assert report["approvals"] == CASES
    assert report["cases_approved_twice"] == 0
    assert report["dispatch_states"] == {"delivered": CASES}
    assert report["envelopes"] == CASES
    assert report["callbacks"] == 2 * CASES
    deployment.kill("second-worker")
    deployment.kill("dept-sim")


@pytest.mark.timeout(DRAIN_SECONDS + 300)
def test_backlog_drains_after_outage(deployment):
    cases = 20
    deployment.start_simulator("--delay=0", "--fail-first=30")
    deployment.accept_cases(cases, "outage")
    deployment.start_workers("outage-worker", 2)
    wait_until(lambda: deployment.finished("outage") == cases, timeout=DRAIN_SECONDS)

    report = deployment.report("outage")
    stats = deployment.simulator_stats()
    assert stats["faults"] == 30
    assert report["envelope_attempts"] >= cases + 30
    assert report["envelopes"] == cases
    assert report["dispatch_states"] == {"delivered": cases}
    assert report["cases_approved_twice"] == 0
    deployment.kill("outage-worker")
    deployment.kill("dept-sim")


@pytest.mark.timeout(DRAIN_SECONDS + 300)
def test_malformed_callbacks_leave_cases_unchanged(deployment):
    cases = 3
    deployment.start_simulator("--delay=0", "--fault=malformed", "--fault-rate=1")
    deployment.accept_cases(cases, "malformed")
    deployment.start_workers("malformed-worker", 1)
    wait_until(
        lambda: deployment.simulator_stats()["callbacks_failed"] == 2 * cases,
        timeout=DRAIN_SECONDS,
    )
    report = deployment.report("malformed")
    assert report["states"] == {"accepted": cases}
    assert report["callbacks"] == 0
    assert report["dispatch_states"] == {"delivered": cases}
    deployment.kill("malformed-worker")
    deployment.kill("dept-sim")


def test_server_rejects_bad_callbacks(deployment):
    url = f"{deployment.onestop_url}/api/v1/exchange/callbacks"
    oversize = httpx.post(url, content=b"x" * (300 * 1024), timeout=10)
    assert oversize.status_code == 413
    assert oversize.json()["code"] == "exchange.body_too_large"
    unsigned = {
        "callback": {
            "callback_id": str(uuid.uuid4()),
            "envelope_id": str(uuid.uuid4()),
            "case_number": "44060400000000001",
            "department_uscc": "91440604MA4W1X2YX9",
            "status": "approved",
            "sent_at": "2026-12-04T00:00:00+00:00",
        },
        "signature": {"alg": "ed25519", "kid": "0" * 16, "sig": "AA"},
    }
    unknown = httpx.post(url, content=json.dumps(unsigned), timeout=10)
    assert unknown.status_code == 404
    assert unknown.json()["code"] == "exchange.unknown_case"
