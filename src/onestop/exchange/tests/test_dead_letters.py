"""The supervisor's page of failed dispatches and its replay button."""

from __future__ import annotations

import pytest
from django.utils import timezone

from onestop.core import outbox
from onestop.core.models import AuditEvent, OutboxMessage, OutboxStatus
from onestop.exchange.models import ConnectorKind
from onestop.exchange.testing import (
    DepartmentKey,
    RecordingServer,
    accept_food_case,
    configure,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def dead_letter(demo) -> OutboxMessage:
    with RecordingServer([(404, {}, 0.0)]) as server:
        configure(
            demo.market, ConnectorKind.WEBHOOK, DepartmentKey(), endpoint=server.url
        )
        case = accept_food_case(demo)
        outbox.drain(max_rounds=1)
    message = OutboxMessage.objects.get(
        topic="exchange.dispatch", payload__case_id=case.pk
    )
    assert message.status == OutboxStatus.DEAD
    return message


def test_supervisor_sees_dead_letter(demo, dead_letter):
    response = demo.client("supervisor").get("/exchange/dead-letters/")
    assert response.status_code == 200
    page = response.content.decode()
    assert str(dead_letter.pk) in page
    assert "HTTP 404" in page


def test_replay_queues_dispatch_again(demo, dead_letter):
    response = demo.client("supervisor").post(
        f"/exchange/dead-letters/{dead_letter.pk}/replay"
    )
    assert response.status_code == 302
    dead_letter.refresh_from_db()
    assert dead_letter.status == OutboxStatus.PENDING
    assert dead_letter.attempts == 0
    assert AuditEvent.objects.filter(verb="exchange.dead_letter_replayed").count() == 1


def test_second_replay_says_when_first_was(demo, dead_letter):
    client = demo.client("supervisor")
    url = f"/exchange/dead-letters/{dead_letter.pk}/replay"
    assert client.post(url).status_code == 302
    response = client.post(url)
    assert response.status_code == 409
    page = response.content.decode()
    replayed = AuditEvent.objects.get(verb="exchange.dead_letter_replayed")
    replayed_at = timezone.localtime(replayed.at).isoformat(timespec="seconds")
    assert f"was already replayed at {replayed_at}" in page
    assert str(dead_letter.pk) in page
    assert AuditEvent.objects.filter(verb="exchange.dead_letter_replayed").count() == 1


def test_replay_of_dispatch_never_dead_rejected(demo, dead_letter):
    OutboxMessage.objects.filter(pk=dead_letter.pk).update(
        status=OutboxStatus.DELIVERED
    )
    response = demo.client("supervisor").post(
        f"/exchange/dead-letters/{dead_letter.pk}/replay"
    )
    assert response.status_code == 409
    assert "is delivered, not a dead letter" in response.content.decode()


def test_clerk_cannot_open_dead_letters(demo, dead_letter):
    response = demo.client("clerk").get("/exchange/dead-letters/")
    assert response.status_code == 403


def test_clerk_cannot_replay(demo, dead_letter):
    response = demo.client("clerk").post(
        f"/exchange/dead-letters/{dead_letter.pk}/replay"
    )
    assert response.status_code == 403
    dead_letter.refresh_from_db()
    assert dead_letter.status == OutboxStatus.DEAD


def test_supervisor_of_other_centre_sees_nothing(demo, other_centre, dead_letter):
    from django.contrib.auth import get_user_model

    from onestop.core.models import Membership, Role
    from onestop.portal.demo import PASSWORD

    user = get_user_model().objects.create_user("nanhai-supervisor", password=PASSWORD)
    Membership.objects.create(user=user, centre=other_centre, role=Role.SUPERVISOR)
    client = demo.client("nanhai-supervisor")
    assert (
        str(dead_letter.pk)
        not in client.get("/exchange/dead-letters/").content.decode()
    )
    response = client.post(f"/exchange/dead-letters/{dead_letter.pk}/replay")
    assert response.status_code == 403
    dead_letter.refresh_from_db()
    assert dead_letter.status == OutboxStatus.DEAD
