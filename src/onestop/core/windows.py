"""Look-ups of a centre's windows (窗口) by code, and the clerk's window of the session.

A clerk's request names a window by its code. Only an active window of the centre is
accepted. An empty code means no window, which acceptance and visits allow.
"""

from __future__ import annotations

import re
from typing import Any, TypedDict

from django.http import HttpRequest
from django.utils.functional import lazy
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext

from onestop.core.errors import Coded, InvalidInput, listed, shown, visible_text
from onestop.core.full_width import fold_full_width
from onestop.core.models import Centre, Window

# The session key of the window a clerk chose on the workbench.
SESSION_KEY = "onestop_window"


class WindowUnknown(InvalidInput):
    code = "window.unknown"
    message = _(
        "%(centre)s has no window with the code %(window)s. Choose one of its active "
        "windows: %(active)s."
    )


class WindowInactive(InvalidInput):
    code = "window.inactive"
    message = _(
        "The window %(window)s of %(centre)s is deactivated, so nothing can be "
        "recorded at it. Choose one of its active windows: %(active)s."
    )


class ChosenWindow(TypedDict):
    """The window a clerk chose, as the session stores it."""

    centre_id: int
    code: str
    name: str


def active_windows(centre: Centre | int) -> list[Window]:
    """Return the active windows of the centre, ordered by code."""
    return list(
        Window.objects.for_centre(centre).filter(is_active=True).order_by("code")
    )


def active_window_codes(centre: Centre | int) -> list[str]:
    """Return the codes of the centre's active windows, in order."""
    return [window.code for window in active_windows(centre)]


def find_active_window(centre: Centre, code: str) -> Window | None:
    """Return the active window `code` of the centre, None for an empty code, or
    raise WindowUnknown or WindowInactive listing the active codes.

    Full-width letters and digits in `code` read as ASCII, as the windows page stores
    codes.
    """
    code = fold_full_width(code).strip()
    if not code:
        return None
    window = Window.objects.for_centre(centre).filter(code=code[:40]).first()
    if window is None:
        raise WindowUnknown(
            window=shown(visible_text(code)),
            centre=centre.name,
            active=listed_active_codes(centre),
        )
    if not window.is_active:
        raise WindowInactive(
            window=window.code, centre=centre.name, active=listed_active_codes(centre)
        )
    return window


def lock_active_window(window: Window) -> Window:
    """Lock the window's row for the caller's transaction and return it, or raise
    WindowInactive if it was deactivated meanwhile.

    Deactivation locks the row too, so a change that must not meet a deactivated
    window (pairing a rating pad) and the deactivation run one after the other.
    """
    locked = (
        Window.objects.select_for_update(of=("self",))
        .select_related("centre")
        .get(pk=window.pk)
    )
    if not locked.is_active:
        raise WindowInactive(
            window=locked.code,
            centre=locked.centre.name,
            active=listed_active_codes(locked.centre),
        )
    return locked


def window_label(window: Window | None) -> str:
    """Return the text that a case, visit, rating or pad records for the window."""
    return window.name if window is not None else ""


def window_title(name: str, code: str) -> str:
    """Return how pages name a window: its name, then its code in brackets unless
    the name already contains the code as a whole word.

    So the window 1 named 综合窗口 1 reads "综合窗口 1", and the window A2 named
    综合窗口 reads "综合窗口 (A2)".
    """
    if not code:
        return name
    contains_code = re.search(
        rf"(?<![0-9A-Za-z]){re.escape(code)}(?![0-9A-Za-z])", fold_full_width(name)
    )
    return name if contains_code else f"{name} ({code})"


def quoted_window_title(name: str, code: str) -> str:
    """Return how messages name a window: its name in quotes, then its code in
    brackets of the active language unless the name already contains it.

    The quotes mark where the name ends, which "窗口公安窗口（G1）" would not.
    """
    if window_title(name, code) == name:
        return pgettext("a window's name in a message", "“%(name)s”") % {"name": name}
    return pgettext(
        "a window's name and code in a message", "“%(name)s” (%(code)s)"
    ) % {"name": name, "code": code}


_lazy_quoted_window_title = lazy(quoted_window_title, str)


def named_window(name: str, code: str) -> Coded:
    """Return a window for an error's details: its code, and its quoted title in the
    message, in the language the message is rendered in."""
    return Coded(code, _lazy_quoted_window_title(name, code))


def chosen_window(request: HttpRequest, centre: Centre | None = None) -> Any:
    """Return the window the clerk chose in this session, as the session stores it,
    or None. With `centre`, a window chosen in another centre counts as none."""
    session = getattr(request, "session", None)
    chosen = session.get(SESSION_KEY) if session is not None else None
    if not isinstance(chosen, dict):
        return None
    if centre is not None and chosen.get("centre_id") != centre.pk:
        return None
    return chosen


def set_session_window(request: HttpRequest, window: Window | None) -> None:
    """Store the clerk's window in the session, for the page header, or forget it for
    None. The window the clerk chose last is stored by `window_choice`."""
    if window is None:
        request.session.pop(SESSION_KEY, None)
        return
    request.session[SESSION_KEY] = ChosenWindow(
        centre_id=window.centre_id, code=window.code, name=window.name
    )


def listed_active_codes(centre: Centre) -> Coded:
    """Return the codes of the centre's active windows as an error detail."""
    return listed_window_codes(active_window_codes(centre))


def listed_window_codes(codes: list[str]) -> Coded:
    """Return window codes as an error detail. An empty list becomes the advice to add
    a window."""
    if codes:
        return listed(codes)
    return Coded([], _("none yet, so ask a centre admin to add one"))
