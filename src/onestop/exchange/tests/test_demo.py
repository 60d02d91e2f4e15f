"""The demo centre's connectors and the simulator settings that match them."""

from __future__ import annotations

import socket

import pytest

from onestop.core.models import Department
from onestop.exchange.connectors import check_config
from onestop.exchange.connectors.amqp import reply_queue
from onestop.exchange.demo import (
    configure_demo_connectors,
    demo_public_key,
    demo_simulator_settings,
    simulator_port,
    start_demo_simulator,
)
from onestop.exchange.errors import SimulatorPortUnavailable
from onestop.exchange.models import ConnectorConfig
from onestop.exchange.testing import DepartmentKey

pytestmark = pytest.mark.django_db


# A broker URL that nothing listens on: configuring connectors does not connect.
NO_BROKER = "amqp://guest:guest@127.0.0.1:1/%2F"


def connector_kinds(centre) -> set[str]:
    return set(
        ConnectorConfig.objects.filter(centre=centre).values_list("kind", flat=True)
    )


def test_demo_has_each_connector_kind(demo, settings):
    settings.ONESTOP_AMQP_URL = NO_BROKER
    configure_demo_connectors(demo.centre)
    assert connector_kinds(demo.centre) == {"webhook", "pull", "amqp"}


def test_demo_without_broker_keeps_amqp_department_on_worklist(demo, settings):
    settings.ONESTOP_AMQP_URL = NO_BROKER
    configure_demo_connectors(demo.centre)
    settings.ONESTOP_AMQP_URL = ""
    configure_demo_connectors(demo.centre)
    assert connector_kinds(demo.centre) == {"webhook", "pull", "worklist"}
    tobacco = Department.objects.get(centre=demo.centre, role_key="tobacco_monopoly")
    assert tobacco.connector_kind == "worklist"
    assert demo_simulator_settings("http://127.0.0.1:8000", 8701).amqp_queues == []


def test_demo_queue_names_differ_by_secret_key(demo, settings):
    settings.ONESTOP_AMQP_URL = NO_BROKER
    settings.ONESTOP_AMQP_PREFIX = None
    settings.SECRET_KEY = "first deployment " + "x" * 40
    configure_demo_connectors(demo.centre)
    tobacco = ConnectorConfig.objects.get(department__role_key="tobacco_monopoly")
    first = (tobacco.queue, reply_queue(tobacco))
    settings.SECRET_KEY = "second deployment " + "x" * 40
    configure_demo_connectors(demo.centre)
    tobacco.refresh_from_db()
    second = (tobacco.queue, reply_queue(tobacco))
    assert first[0] != second[0]
    assert first[1] != second[1]
    assert first[0].endswith(f".department.{tobacco.department.uscc}")
    assert first[1].endswith(".exchange.results")


def test_amqp_prefix_setting_names_queues(demo, settings):
    settings.ONESTOP_AMQP_URL = NO_BROKER
    settings.ONESTOP_AMQP_PREFIX = "demo-b"
    configure_demo_connectors(demo.centre)
    tobacco = ConnectorConfig.objects.get(department__role_key="tobacco_monopoly")
    assert tobacco.queue == f"demo-b.department.{tobacco.department.uscc}"
    assert reply_queue(tobacco) == "demo-b.exchange.results"


def test_amqp_connector_without_broker_reports_problem(demo, settings):
    settings.ONESTOP_AMQP_URL = ""
    config = ConnectorConfig(department=demo.market, kind="amqp", queue="q")
    problems = check_config(config)
    assert any("ONESTOP_AMQP_URL" in problem for problem in problems)


def test_demo_configuration_is_repeatable(demo):
    configure_demo_connectors(demo.centre)
    configure_demo_connectors(demo.centre)
    assert ConnectorConfig.objects.filter(centre=demo.centre).count() == 4


def test_simulator_settings_match_demo(demo, settings):
    settings.ONESTOP_AMQP_URL = NO_BROKER
    configure_demo_connectors(demo.centre)
    forestry = Department.objects.get(centre=demo.centre, role_key="forestry")
    fund = Department.objects.get(centre=demo.centre, role_key="housing_provident_fund")
    tobacco = ConnectorConfig.objects.get(department__role_key="tobacco_monopoly")
    simulator_settings = demo_simulator_settings("http://127.0.0.1:8000", 8701)
    assert simulator_settings.hmac_departments == {forestry.uscc}
    assert simulator_settings.amqp_queues == [tobacco.queue]
    assert simulator_settings.amqp_url == NO_BROKER
    assert simulator_settings.pull_departments == {fund.pk: fund.uscc}
    taxation = ConnectorConfig.objects.get(department__role_key="taxation")
    assert taxation.public_key == demo_public_key()


def test_simulator_skips_pull_department_with_other_key(demo):
    configure_demo_connectors(demo.centre)
    ConnectorConfig.objects.filter(
        department__role_key="housing_provident_fund"
    ).update(public_key=DepartmentKey().public_key)
    simulator_settings = demo_simulator_settings("http://127.0.0.1:8000", 8701)
    assert simulator_settings.pull_departments == {}


def test_simulator_port_follows_web_port(settings):
    settings.ONESTOP_DEPT_SIM_PORT = None
    settings.ONESTOP_WEB_PORT = 8000
    assert simulator_port() == 8701
    assert simulator_port(8761) == 9462
    settings.ONESTOP_WEB_PORT = 8762
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
    simulator = start_demo_simulator(_free_port())
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
    simulator = start_demo_simulator(_free_port())
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
            start_demo_simulator(_free_port())
    assert raised.value.details == {"port": settings.ONESTOP_DEPT_SIM_PORT}
    assert "ONESTOP_DEPT_SIM_PORT" in raised.value.render()


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def test_demo_endpoints_follow_web_port(demo, settings):
    settings.ONESTOP_WEB_PORT = 9000
    settings.ONESTOP_DEPT_SIM_PORT = None

    configure_demo_connectors(demo.centre)

    taxation = ConnectorConfig.objects.get(department__role_key="taxation")
    assert taxation.endpoint == "http://127.0.0.1:9701/envelopes"


def test_demo_endpoints_follow_dept_sim_port(demo, settings):
    settings.ONESTOP_DEPT_SIM_PORT = 9123

    configure_demo_connectors(demo.centre)

    forestry = ConnectorConfig.objects.get(department__role_key="forestry")
    assert forestry.endpoint == "http://127.0.0.1:9123/envelopes"


def test_demo_keeps_endpoint_an_admin_changed(demo, settings):
    configure_demo_connectors(demo.centre)
    changed = "https://tax.example.org/onestop/envelopes"
    ConnectorConfig.objects.filter(department__role_key="taxation").update(
        endpoint=changed
    )
    settings.ONESTOP_DEPT_SIM_PORT = 9123

    configure_demo_connectors(demo.centre)

    taxation = ConnectorConfig.objects.get(department__role_key="taxation")
    forestry = ConnectorConfig.objects.get(department__role_key="forestry")
    assert taxation.endpoint == changed
    assert forestry.endpoint == "http://127.0.0.1:9123/envelopes"
