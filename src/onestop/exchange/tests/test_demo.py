"""The demo centre's connectors and the simulator settings that match them."""

from __future__ import annotations

import pytest

from onestop.core.models import Department
from onestop.exchange.demo import (
    configure_demo_connectors,
    demo_public_key,
    demo_simulator_settings,
)
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
    settings = demo_simulator_settings("http://127.0.0.1:8000")
    assert settings.hmac_departments == {forestry.uscc}
    assert settings.amqp_queues == [tobacco.queue]
    taxation = ConnectorConfig.objects.get(department__role_key="taxation")
    assert taxation.public_key == demo_public_key()
