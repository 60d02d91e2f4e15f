"""GET /api/v1/notifications: the caller's in-app notifications in the request's language."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import Router, Schema

from onestop.core.notifications import notification_dict, notifications_of
from onestop.core.schemas import ApiDateTime

router = Router(tags=["notifications"])


class NotificationOut(Schema):
    id: int
    message_id: str
    subject: str
    body: str
    link: str
    created_at: ApiDateTime
    read_at: ApiDateTime | None


@router.get("", response=list[NotificationOut])
def list_notifications(request: HttpRequest) -> list[dict[str, Any]]:
    """List the caller's latest 100 notifications, newest first, without marking them read.

    The subject and body are in the language of Accept-Language. `message_id` is empty for
    a notification written before message ids existed, whose text stays as written.
    """
    return [notification_dict(n) for n in notifications_of(request.user)]
