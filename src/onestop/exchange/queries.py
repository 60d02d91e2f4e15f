"""Reads of the department exchange, scoped by centre and by the caller's roles."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from onestop.core.models import OutboxMessage, OutboxStatus, Role
from onestop.core.permissions import centres_of, require_authenticated
from onestop.exchange.actions import DISPATCH_TOPIC

DEAD_LETTER_PAGE_SIZE = 200


def dead_letters_for(user: Any) -> QuerySet[OutboxMessage]:
    """Return the dead department dispatches of the centres the user supervises."""
    require_authenticated(user)
    centre_ids = centres_of(user, [Role.SUPERVISOR])
    return (
        OutboxMessage.objects.filter(
            topic=DISPATCH_TOPIC, status=OutboxStatus.DEAD, centre_id__in=centre_ids
        )
        .select_related("centre")
        .order_by("-created_at")
    )
