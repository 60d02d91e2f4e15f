"""The in-app notifications that the applicant of a case receives."""

from __future__ import annotations

from django.utils.translation import gettext_lazy

from onestop.core.notifications import NotificationMessage, register_message

ACCEPTED = register_message(
    "case.accepted",
    NotificationMessage(
        gettext_lazy("Your application %(number)s was accepted"),
        gettext_lazy("Promised date: %(date)s"),
        dates=("date",),
    ),
)
NOT_ACCEPTED = register_message(
    "case.not_accepted",
    NotificationMessage(
        gettext_lazy("Your application %(number)s was not accepted"),
        gettext_lazy("Reason: %(reason)s"),
    ),
)
CORRECTION_REQUESTED = register_message(
    "case.correction_requested",
    NotificationMessage(
        gettext_lazy("Your application %(number)s needs corrections"),
        gettext_lazy("Correct these items: %(items)s"),
    ),
)
RESULT_READY = register_message(
    "case.result_ready",
    NotificationMessage(
        gettext_lazy("The result of your application %(number)s is ready")
    ),
)
