"""Template context shared by every page: the user's roles and the navigation links."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from onestop.core.permissions import staff_roles


def navigation(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"nav_roles": set()}
    return {"nav_roles": {membership.role for membership in staff_roles(user)}}
