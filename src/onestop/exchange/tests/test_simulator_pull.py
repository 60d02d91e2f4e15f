"""The simulator plays the demo's pull department: it polls, acknowledges and replies."""

from __future__ import annotations

import dataclasses

import pytest

from onestop.cases.models import CaseState
from onestop.core import outbox
from onestop.core.models import Department
from onestop.core.signing import published_keys
from onestop.exchange.demo import demo_simulator_settings
from onestop.exchange.harness import free_port, wait_until
from onestop.exchange.models import Envelope, EnvelopeStatus
from onestop.exchange.simulator import DepartmentSimulator, SimulatorSettings
from onestop.exchange.testing import accept_case, wait_for_callbacks

pytestmark = pytest.mark.django_db

RENT_WITHDRAWAL = "provident-fund-rent-withdrawal"


def test_simulator_replies_to_pull_department(live_server, demo):
    fund = Department.objects.get(centre=demo.centre, role_key="housing_provident_fund")
    case = accept_case(
        demo, RENT_WITHDRAWAL, form={"bank_account": "6222020200112233445"}
    )
    outbox.drain()
    assert Envelope.objects.get(case=case).status == EnvelopeStatus.AWAITING_PULL

    settings = dataclasses.replace(
        demo_simulator_settings(live_server.url, 0),
        decision="approve",
        delay=1.0,
        # The first poll, after 3 seconds, takes the envelope and the callbacks follow
        # a second later. The next poll is due after the test ends, so the simulator's
        # requests reach the test server one at a time.
        pull_interval=3.0,
        initial_keys=published_keys(),
    )
    assert settings.pull_departments == {fund.pk: fund.uscc}

    simulator = DepartmentSimulator(settings).start()
    try:
        wait_for_callbacks(simulator, 2)
    finally:
        simulator.stop()

    stats = simulator.counters.as_dict()
    assert stats["polls"] >= 1
    assert stats["polls_failed"] == 0
    assert stats["callbacks_failed"] == 0
    envelope = Envelope.objects.get(case=case)
    assert envelope.status == EnvelopeStatus.ACKNOWLEDGED
    assert envelope.acknowledged_at is not None
    case.refresh_from_db()
    assert case.state == CaseState.RESULT_ISSUED


def test_simulator_stops_polling_when_stopped():
    # Nothing listens on the port, so every poll fails fast.
    simulator = DepartmentSimulator(
        SimulatorSettings(
            onestop_url=f"http://127.0.0.1:{free_port()}",
            port=0,
            pull_departments={1: ""},
            pull_interval=0.2,
        )
    ).start()
    try:
        wait_until(lambda: simulator.counters.polls >= 2, timeout=10)
    finally:
        simulator.stop()
    polls = simulator.counters.polls
    assert simulator.counters.polls_failed == polls
    assert not any(thread.is_alive() for thread in simulator._threads)


def test_pull_interval_is_bounded():
    with pytest.raises(ValueError, match="pull_interval"):
        DepartmentSimulator(SimulatorSettings(port=0, pull_interval=0.0))
    with pytest.raises(ValueError, match="pull_interval"):
        DepartmentSimulator(SimulatorSettings(port=0, pull_interval=3600.0))
