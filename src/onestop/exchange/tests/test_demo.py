"""The demo centre's connectors and the simulator settings that match them."""

from __future__ import annotations

import socket

import pytest

from onestop.core.models import Department
from onestop.exchange.demo import (
    configure_demo_connectors,
    demo_public_key,
    demo_simulator_settings,
    simulator_port,
    start_demo_simulator,
)
from onestop.exchange.errors import SimulatorPortUnavailable
from onestop.exchange.models import ConnectorConfig

pytestmark = pytest.mark.django_db


def test_demo_has_each_connector_kind(demo):
    configure_demo_connectors(demo.centre)
    kinds = set(
        ConnectorConfig.objects.filter(centre=demo.centre).values_list(
            "kind", flat=True
        )
    )
    assert kinds == {"webhook", "pull", "amqp"}


def test_demo_configuration_is_repeatable(demo):
    configure_demo_connectors(demo.centre)
    configure_demo_connectors(demo.centre)
    assert ConnectorConfig.objects.filter(centre=demo.centre).count() == 4


def test_simulator_settings_match_demo(demo):
    configure_demo_connectors(demo.centre)
    forestry = Department.objects.get(centre=demo.centre, role_key="forestry")
    tobacco = ConnectorConfig.objects.get(department__role_key="tobacco_monopoly")
    settings = demo_simulator_settings("http://127.0.0.1:8000", 8701)
    assert settings.hmac_departments == {forestry.uscc}
    assert settings.amqp_queues == [tobacco.queue]
    taxation = ConnectorConfig.objects.get(department__role_key="taxation")
    assert taxation.public_key == demo_public_key()


def test_simulator_port_follows_web_port(settings, monkeypatch):
    settings.ONESTOP_DEPT_SIM_PORT = None
    monkeypatch.delenv("PORT", raising=False)
    assert simulator_port() == 8701
    assert simulator_port(8761) == 9462
    monkeypatch.setenv("PORT", "8762")
    assert simulator_port() == 9463


def test_simulator_port_stays_in_range(settings):
    settings.ONESTOP_DEPT_SIM_PORT = None
    assert simulator_port(65000) == 64299


def test_simulator_port_setting_wins(settings):
    settings.ONESTOP_DEPT_SIM_PORT = 9100
    assert simulator_port(8761) == 9100


def test_simulator_start_moves_webhook_connectors(demo, settings):
    configure_demo_connectors(demo.centre)
    settings.ONESTOP_DEPT_SIM = True
    settings.ONESTOP_DEPT_SIM_PORT = _free_port()
    simulator = start_demo_simulator(8000)
    assert simulator is not None
    simulator.stop()
    endpoints = set(
        ConnectorConfig.objects.filter(kind="webhook").values_list(
            "endpoint", flat=True
        )
    )
    assert endpoints == {simulator.endpoint}


def test_simulator_start_keeps_other_endpoints(demo, settings):
    configure_demo_connectors(demo.centre)
    real = "https://tax.example.gov.cn/onestop/envelopes"
    ConnectorConfig.objects.filter(department__role_key="taxation").update(
        endpoint=real
    )
    settings.ONESTOP_DEPT_SIM = True
    settings.ONESTOP_DEPT_SIM_PORT = _free_port()
    simulator = start_demo_simulator(8000)
    assert simulator is not None
    simulator.stop()
    taxation = ConnectorConfig.objects.get(department__role_key="taxation")
    assert taxation.endpoint == real


def test_simulator_port_in_use_raises(demo, settings):
    configure_demo_connectors(demo.centre)
    settings.ONESTOP_DEPT_SIM = True
    with socket.socket() as holder:
        holder.bind(("127.0.0.1", 0))
        holder.listen()
        settings.ONESTOP_DEPT_SIM_PORT = holder.getsockname()[1]
        with pytest.raises(SimulatorPortUnavailable) as raised:
            start_demo_simulator(8000)
    assert raised.value.details == {"port": settings.ONESTOP_DEPT_SIM_PORT}
    assert "ONESTOP_DEPT_SIM_PORT" in raised.value.render()


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]
