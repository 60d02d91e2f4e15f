"""The window each clerk chose last in a centre (WindowChoice).

Pages preselect it, and an API request that leaves out `window` records it. A window
deactivated or deleted since the choice is never used. A page then preselects no window
and shows why. An API request that relied on it is rejected with the same reason, so no
case or visit is recorded at a window the clerk did not mean.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from onestop.core.errors import Coded, InvalidInput, OneStopError
from onestop.core.models import Centre, Window, WindowChoice
from onestop.core.window_matters import (
    MatterOfDepartment,
    takes_matter,
    windows_for_matter,
)
from onestop.core.windows import (
    WindowInactive,
    WindowUnknown,
    find_active_window,
    listed_active_codes,
    listed_window_codes,
    named_window,
    set_session_window,
)


class LastWindowDeactivated(InvalidInput):
    code = "window.last_deactivated"
    message = _(
        "The window you chose last, %(window)s, has been deactivated since, so no "
        "window is preselected. Choose one of the active windows of %(centre)s."
    )
    api_message = _(
        "No window was given, and the window you chose last, %(window)s, has been "
        "deactivated since, so nothing was recorded. Send window with the code of "
        "an active window of %(centre)s (%(active)s), or an empty code for none."
    )


class LastWindowDeleted(InvalidInput):
    code = "window.last_deleted"
    message = _(
        "The window you chose last, %(window)s, has been deleted since, so no window "
        "is preselected. Choose one of the active windows of %(centre)s."
    )
    api_message = _(
        "No window was given, and the window you chose last, %(window)s, has been "
        "deleted since, so nothing was recorded. Send window with the code of an "
        "active window of %(centre)s (%(active)s), or an empty code for none."
    )


class LastWindowNotForMatter(InvalidInput):
    code = "window.last_not_for_matter"
    message = _(
        "The window you chose last, %(window)s, is a window of %(department)s and "
        "accepts only that department's matters, so it is not preselected for "
        "%(matter)s. Choose a comprehensive window or a window of %(matter_department)s."
    )


@dataclass(frozen=True)
class Preselection:
    """The window code a page preselects, or the notice of why it preselects none."""

    code: str = ""
    notice: OneStopError | None = None


def remember_window(
    request: HttpRequest, centre: Centre, window: Window | None
) -> None:
    """Store `window` as the clerk's last window in `centre` and as the session's, or
    forget both for None."""
    store_window_choice(request.user, centre, window)
    set_session_window(request, window)


def store_window_choice(actor: Any, centre: Centre, window: Window | None) -> None:
    """Store `window` as the clerk's last window in `centre`, or forget it for None."""
    if window is None:
        WindowChoice.objects.for_centre(centre).filter(user_id=actor.pk).delete()
        return
    WindowChoice.objects.update_or_create(
        centre=centre,
        user_id=actor.pk,
        defaults={
            "window": window,
            "code": window.code,
            "name": window.name,
            "chosen_at": timezone.now(),
        },
    )


def get_last_choice(actor: Any, centre: Centre) -> WindowChoice | None:
    """Return the clerk's last window choice in `centre`, or None."""
    if not getattr(actor, "is_authenticated", False):
        return None
    return (
        WindowChoice.objects.for_centre(centre)
        .select_related("window", "window__department")
        .filter(user_id=actor.pk)
        .first()
    )


def check_last_window(choice: WindowChoice, centre: Centre) -> Window:
    """Return the chosen window, or raise LastWindowDeactivated or LastWindowDeleted."""
    window = choice.window
    if window is None:
        raise LastWindowDeleted(
            window=named_window(choice.name, choice.code),
            centre=centre.name,
            active=listed_active_codes(centre),
        )
    if not window.is_active:
        raise LastWindowDeactivated(
            window=named_window(window.name, window.code),
            centre=centre.name,
            active=listed_active_codes(centre),
        )
    return window


def find_requested_window(
    actor: Any,
    centre: Centre,
    code: str | None,
    matter: MatterOfDepartment | None = None,
) -> Window | None:
    """Return the active window `code` of the centre, or for None the clerk's last
    window, which must still be active. With `matter`, an error offers only the
    windows that accept it.

    An empty code means no window. Raise as `find_active_window` does, or with
    LastWindowDeactivated or LastWindowDeleted in their API wording.
    """
    if code is not None:
        try:
            return find_active_window(centre, code)
        except (WindowUnknown, WindowInactive) as error:
            if matter is not None:
                # Offer only the windows that would accept the matter.
                codes = [window.code for window in windows_for_matter(centre, matter)]
                error.details["active"] = listed_window_codes(codes)
            raise
    choice = get_last_choice(actor, centre)
    if choice is None:
        return None
    try:
        return check_last_window(choice, centre)
    except (LastWindowDeactivated, LastWindowDeleted) as error:
        error.message = error.api_message
        raise


def preselect_window(
    request: HttpRequest, centre: Centre, matter: MatterOfDepartment | None = None
) -> Preselection:
    """Return the clerk's last window for a page to preselect, or a notice why none,
    and make the session's window (shown in the page header) agree.

    With `matter`, the page accepts that matter, and a department window of another
    department is not preselected.
    """
    choice = get_last_choice(request.user, centre)
    if choice is None:
        return Preselection()
    try:
        window = check_last_window(choice, centre)
    except (LastWindowDeactivated, LastWindowDeleted) as notice:
        set_session_window(request, None)
        return Preselection(notice=notice)
    set_session_window(request, window)
    if matter is not None and not takes_matter(window, matter):
        return Preselection(notice=_not_for_matter(window, matter))
    return Preselection(code=window.code)


def _not_for_matter(window: Window, matter: MatterOfDepartment) -> OneStopError:
    department = window.department
    return LastWindowNotForMatter(
        window=named_window(window.name, window.code),
        department=Coded(
            department.role_key if department else "",
            department.name if department else "",
        ),
        matter=Coded(matter.pack_id, matter.name),
        matter_department=Coded(matter.department.role_key, matter.department.name),
    )
