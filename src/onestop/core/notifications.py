"""In-app notifications, stored as a message id with parameters and shown in the reader's
language.

An app registers each message once, with lazy translations of its subject and body that
have %(name)s placeholders. A notification stores the message id and the parameters, and
is rendered in the language of the request that shows it. It also stores the subject and
body in the site's language, which is what a notification written before message ids
existed shows, and what a notification of an unregistered id falls back to.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.conf import settings
from django.utils import timezone, translation

from onestop.core.dates import (
    api_datetime,
    api_iso,
    format_local_date,
    format_local_datetime,
)
from onestop.core.models import NOTIFICATION_ORDERING, Centre, Notification

MAX_SUBJECT_LENGTH = 200


@dataclass(frozen=True)
class NotificationMessage:
    """The subject and body of one kind of notification, as lazy translations."""

    subject: Any
    body: Any = ""
    # Parameters that hold ISO 8601 dates or datetimes, shown as pages show dates.
    dates: tuple[str, ...] = ()
    datetimes: tuple[str, ...] = ()
    # Parameters that hold a key, shown as its label from the mapping (lazy labels).
    labels: Mapping[str, Mapping[str, Any]] = field(default_factory=dict)


MESSAGES: dict[str, NotificationMessage] = {}


def register_message(message_id: str, message: NotificationMessage) -> str:
    """Register a notification message under a stable id and return the id."""
    MESSAGES[message_id] = message
    return message_id


def notify(
    *,
    centre: Centre,
    user_id: int,
    message_id: str,
    link: str = "",
    at: datetime | None = None,
    **params: Any,
) -> Notification:
    """Write an in-app notification of a registered message for the user.

    `params` must be JSON values; dates and datetimes go in as ISO 8601 strings. `at`
    is when the event happened, for a message written later by a worker, so that the
    list shows the events in the order they happened; it is now when absent.
    """
    message = MESSAGES[message_id]
    with translation.override(settings.LANGUAGE_CODE):
        subject, body = _render(message, params)
    return Notification.objects.create(
        centre=centre,
        user_id=user_id,
        message_id=message_id,
        params=params,
        subject=subject[:MAX_SUBJECT_LENGTH],
        body=body,
        link=link,
        created_at=at or timezone.now(),
    )


def render_notification(notification: Notification) -> tuple[str, str]:
    """Return the subject and body of the notification in the active language."""
    message = MESSAGES.get(notification.message_id)
    if message is None:
        return notification.subject, notification.body
    subject, body = _render(message, notification.params or {})
    return subject[:MAX_SUBJECT_LENGTH], body


def _render(message: NotificationMessage, params: dict[str, Any]) -> tuple[str, str]:
    shown = dict(params)
    for name in message.dates:
        shown[name] = format_local_date(shown.get(name)) or "—"
    for name in message.datetimes:
        shown[name] = format_local_datetime(shown.get(name)) or "—"
    for name, labels in message.labels.items():
        key = str(shown.get(name, ""))
        shown[name] = str(labels.get(key, key))
    # A lazy message is filled by its own %, so that a plural message (ngettext_lazy
    # with a named number) picks its form by the parameter it names.
    subject = str(message.subject % shown)
    body = str(message.body % shown) if message.body else ""
    return subject, body


def notifications_of(user: Any, *, limit: int = 100) -> list[Notification]:
    """Return the user's latest notifications, newest first by NOTIFICATION_ORDERING."""
    notifications = Notification.objects.filter(user=user)
    return list(notifications.order_by(*NOTIFICATION_ORDERING)[:limit])


def notification_dict(notification: Notification) -> dict[str, Any]:
    """Return the notification for the API, its text in the active language."""
    subject, body = render_notification(notification)
    return {
        "id": notification.pk,
        "message_id": notification.message_id,
        "subject": subject,
        "body": body,
        "link": notification.link,
        "created_at": api_datetime(notification.created_at),
        "read_at": api_iso(notification.read_at),
    }
