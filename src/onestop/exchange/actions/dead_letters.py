"""Replaying the department dispatches that became dead letters."""

from __future__ import annotations

import uuid
from typing import Any

from django.db import transaction
from django.utils import timezone

from onestop.core import outbox
from onestop.core.audit import record_event
from onestop.core.errors import NotFound
from onestop.core.logging import get_logger
from onestop.core.models import (
    AuditEvent,
    OutboxMessage,
    OutboxStatus,
    Role,
)
from onestop.core.permissions import require_role
from onestop.exchange.actions.dispatch import DISPATCH_TOPIC
from onestop.exchange.errors import (
    DeadLetterReplayed,
    NotDeadLetter,
)

log = get_logger(__name__)

SUPERVISING_ROLES = (Role.SUPERVISOR,)


def replay_dead_letter(*, actor: Any, message_id: uuid.UUID | str) -> OutboxMessage:
    """Put one dead department dispatch of the supervisor's centre back in the queue.

    Raises DeadLetterReplayed for a dispatch that was replayed before and is no longer
    dead, and NotDeadLetter for one that never was.
    """
    message = (
        OutboxMessage.objects.select_related("centre")
        .filter(pk=message_id, topic=DISPATCH_TOPIC)
        .first()
    )
    if message is None or message.centre is None:
        raise NotFound()
    require_role(actor, SUPERVISING_ROLES, centre=message.centre)
    with transaction.atomic():
        if not outbox.replay(message.pk):
            raise _not_replayable(message)
        record_event(
            actor=actor,
            actor_role=Role.SUPERVISOR,
            verb="exchange.dead_letter_replayed",
            object_type="outbox_message",
            object_id=message.pk,
            centre=message.centre,
            data={
                "case_id": message.payload.get("case_id"),
                "attempts": message.attempts,
            },
        )
    log.info(
        "dead_letter.replayed",
        outbox_id=str(message.pk),
        centre_id=message.centre_id,
        case_id=message.payload.get("case_id"),
    )
    message.refresh_from_db()
    return message


def _not_replayable(message: OutboxMessage) -> Exception:
    """Return the error for a dispatch that is no longer, or never was, a dead letter."""
    message.refresh_from_db(fields=["status"])
    status = OutboxStatus(message.status)
    replayed = (
        AuditEvent.objects.filter(
            centre=message.centre,
            verb="exchange.dead_letter_replayed",
            object_type="outbox_message",
            object_id=str(message.pk),
        )
        .order_by("-at")
        .first()
    )
    if replayed is None:
        return NotDeadLetter(message_id=str(message.pk), status=status)
    return DeadLetterReplayed(
        message_id=str(message.pk),
        replayed_at=timezone.localtime(replayed.at).isoformat(timespec="seconds"),
        status=status,
    )
