"""Audit events: every state change, and every view of a full personal record."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy

from onestop.core.models import AuditEvent, Centre, Role

# Labels of the actors of audit events other than staff roles: the applicant, and the
# system (the outbox worker and department connectors).
_OTHER_ACTOR_LABELS = {
    "applicant": gettext_lazy("applicant"),
    "system": gettext_lazy("system"),
}


def actor_role_label(role: str) -> str:
    """Return the translated name of the role in which an actor acted."""
    if role in Role.values:
        return str(Role(role).label)
    return str(_OTHER_ACTOR_LABELS.get(role, role))


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

    `data` contains ids, never personal data. The one exception is
    `enterprise.corrected`, which keeps an enterprise's old and new legal
    representative: a name that the enterprise's business licence shows publicly.
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
