"""Django admin of connectors: a department admin edits only their own department's."""

from __future__ import annotations

import pytest

from onestop.core.models import AuditEvent
from onestop.exchange.actions import connector_for
from onestop.exchange.demo import configure_demo_connectors
from onestop.exchange.models import ConnectorConfig

pytestmark = pytest.mark.django_db


@pytest.fixture
def deptadmin(demo):
    configure_demo_connectors(demo.centre)
    return demo.client("deptadmin")


def webhook_post(demo) -> dict:
    """Return a valid post of the connector form for a webhook of the market."""
    return {
        "department": demo.market.pk,
        "kind": "webhook",
        "endpoint": "http://127.0.0.1:9/envelopes",
        "key_algorithm": "hmac-sha256",
        "hmac_secret": "x" * 40,
        "timeout_seconds": "5",
        "max_attempts": "4",
        "applicant_fields": '["name"]',
    }


def test_department_admin_lists_only_own_connector(demo, deptadmin):
    connector_for(demo.market)
    response = deptadmin.get("/admin/exchange/connectorconfig/")
    assert response.status_code == 200
    page = response.content.decode()
    assert demo.market.name in page
    assert "税务局" not in page


def test_department_admin_cannot_open_other_connector(demo, deptadmin):
    other = ConnectorConfig.objects.get(
        department__role_key="taxation", centre=demo.centre
    )
    response = deptadmin.get(f"/admin/exchange/connectorconfig/{other.pk}/change/")
    assert response.status_code in (302, 403)


def test_department_admin_sets_webhook(demo, deptadmin):
    config = connector_for(demo.market)
    response = deptadmin.post(
        f"/admin/exchange/connectorconfig/{config.pk}/change/",
        webhook_post(demo),
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    config.refresh_from_db()
    assert config.kind == "webhook"
    assert config.hmac_secret == "x" * 40
    assert AuditEvent.objects.filter(verb="exchange.connector_configured").count() == 1


def test_incomplete_webhook_rejected(demo, deptadmin):
    config = connector_for(demo.market)
    response = deptadmin.post(
        f"/admin/exchange/connectorconfig/{config.pk}/change/",
        {
            "department": demo.market.pk,
            "kind": "webhook",
            "endpoint": "",
            "key_algorithm": "ed25519",
            "public_key": "short",
            "timeout_seconds": "5",
            "max_attempts": "4",
            "applicant_fields": "[]",
        },
    )
    assert response.status_code == 200
    config.refresh_from_db()
    assert config.kind == "worklist"


def test_zero_timeout_and_attempts_both_reported(demo, deptadmin):
    config = connector_for(demo.market)
    response = deptadmin.post(
        f"/admin/exchange/connectorconfig/{config.pk}/change/",
        {
            **webhook_post(demo),
            "timeout_seconds": "0",
            "max_attempts": "0",
        },
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert (
        "The timeout is 0 seconds. Enter a timeout of more than 0 and at most 120 "
        "seconds, such as 10." in page
    )
    assert (
        "The number of delivery attempts is 0. Enter at least 1, the first delivery."
        in page
    )
    config.refresh_from_db()
    assert config.kind == "worklist"


def test_department_admin_granted_on_staff_page_opens_connectors(demo):
    """A role granted without Django's staff status is enough for the connector screen."""
    configure_demo_connectors(demo.centre)
    connector_for(demo.market)
    user = demo.user("deptadmin")
    user.is_staff = False
    user.save(update_fields=["is_staff"])

    response = demo.client("deptadmin").get("/admin/exchange/connectorconfig/")

    assert response.status_code == 200
    assert demo.market.name in response.content.decode()


def test_admin_sign_in_goes_to_onestop_page(client):
    response = client.get("/admin/exchange/connectorconfig/", follow=True)

    assert response.redirect_chain[-1][0].startswith("/accounts/login/?next=")
    assert "/admin/exchange/connectorconfig/" in response.redirect_chain[-1][0]
