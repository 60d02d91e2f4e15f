"""Template context shared by every page: the user's roles and the navigation links."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest

from onestop.core.permissions import staff_roles
from onestop.core.windows import chosen_window


def navigation(request: HttpRequest) -> dict[str, Any]:
    # "kiosk" or "portal": the URL namespace that applicant pages link within.
    surface = "kiosk" if getattr(request, "kiosk", False) else "portal"
    base = {
        "surface": surface,
        "max_upload_mb": settings.ONESTOP_MAX_UPLOAD_BYTES // 1048576,
        "kiosk_idle_seconds": settings.ONESTOP_KIOSK_IDLE_SECONDS,
    }
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {**base, "nav_roles": set()}
    return {
        **base,
        "nav_roles": {membership.role for membership in staff_roles(user)},
        # The window the clerk chose in this session, for the header.
        "clerk_window": chosen_window(request),
    }
