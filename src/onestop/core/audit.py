"""Audit events: every state change, and every view of a full personal record."""

from __future__ import annotations

from typing import Any

from onestop.core.models import AuditEvent, Centre


def record_event(
    *,
    actor: Any,
    actor_role: str,
    verb: str,
    object_type: str,
    object_id: object,
    centre: Centre | None = None,
    data: dict[str, Any] | None = None,
) -> AuditEvent:
    """Write one audit event in the caller's transaction.

    `data` contains ids, never personal data.
    """
    user = actor if getattr(actor, "is_authenticated", False) else None
    return AuditEvent.objects.create(
        centre=centre,
        actor=user,
        actor_role=actor_role,
        verb=verb,
        object_type=object_type,
        object_id=str(object_id),
        data=data or {},
    )
