"""Form posts of the clock section of the department's case page."""

from __future__ import annotations

from typing import Any, NoReturn

from django.http import HttpRequest
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from onestop.cases import clock
from onestop.cases.models import Case, CaseState
from onestop.core.errors import InvalidInput, echoed
from onestop.core.pages import posted_choice

OFFICE_ACTIONS = ("special_procedure", "end_special_procedure", "extension")
# Larger numbers are rejected here as not a day count. Smaller ones are checked against
# the working days of extension the case has left when the request is made.
MAX_TYPED_DAYS = 9999


class ExtensionDaysInvalid(InvalidInput):
    code = "case.extension_days_invalid"
    message = gettext_lazy(
        '"%(value)s" is not a number of working days for an extension. Enter a '
        "whole number from 1 to %(max)s, the working days of extension this case "
        "has left."
    )


def apply_office_action(request: HttpRequest, case: Case) -> str:
    """Run the clock action named by the form's `action` and return its message."""
    action = posted_choice(request, "action", OFFICE_ACTIONS)
    reason = request.POST.get("reason", "")
    if action == "special_procedure":
        procedure = request.POST.get("procedure", "")
        clock.start_special_procedure(
            actor=request.user, case=case, procedure=procedure, reason=reason
        )
        return _("The special procedure started; the clock is stopped.")

    if action == "end_special_procedure":
        clock.end_special_procedure(actor=request.user, case=case, reason=reason)
        return _("The special procedure ended; the clock runs again.")

    days = request.POST.get("working_days", "").strip()
    if not (days.isascii() and days.isdigit() and 0 < int(days) <= MAX_TYPED_DAYS):
        _reject_typed_days(case, days)
    clock.request_extension(
        actor=request.user, case=case, working_days=int(days), reason=reason
    )
    return _("The extension request was sent to the supervisor.")


def _reject_typed_days(case: Case, typed: str) -> NoReturn:
    """Raise the error for text that is not a day count, naming the days left."""
    limits = clock.check_extension_days_left(case)
    raise ExtensionDaysInvalid(value=echoed(typed), max=limits["left"])


def office_context(case: Case) -> dict[str, Any]:
    """Return what the clock section of the department's case page shows."""
    can_extend = case.state in clock.EXTENDABLE_STATES and case.accepted_at is not None
    limits = clock.extension_limits(case) if can_extend else {}
    return {
        "procedures": list(clock.SPECIAL_PROCEDURES.items()),
        "extensions": list(clock.case_extensions(case)),
        "extension_limit": limits["limit"].text if limits else "",
        "extension_days_left": limits.get("left", 0),
        "can_suspend": case.state == CaseState.IN_REVIEW,
        "can_resume": case.state == CaseState.SUSPENDED,
        "can_extend": can_extend,
    }
