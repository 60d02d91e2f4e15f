"""The Django admin site of OneStop, which sends staff with no admin screens home."""

from __future__ import annotations

from typing import Any

from django.contrib import admin, messages
from django.contrib.admin.apps import AdminConfig
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext


class OneStopAdminSite(admin.AdminSite):
    # django-stubs types index() as returning a TemplateResponse, but Django serves any
    # HttpResponse that a view returns, a redirect included.
    def index(  # type: ignore[override]
        self, request: HttpRequest, extra_context: dict[str, Any] | None = None
    ) -> HttpResponse:
        """Show the admin index, or send a user who may see no screen to the home page.

        `onestop demo` makes centre admins staff (`is_staff`), and an admin may tick
        Staff status for any account. Their work is on the OneStop pages, and Django's
        index would only show that they may view nothing.
        """
        if not self.get_app_list(request):
            messages.info(
                request,
                gettext(
                    "The Django admin has no screens for your roles. Your pages are "
                    "in the menu of this site."
                ),
            )
            return redirect("home")
        return super().index(request, extra_context)


class OneStopAdminConfig(AdminConfig):
    """django.contrib.admin with `OneStopAdminSite` as `admin.site`."""

    default_site = "onestop.core.admin_site.OneStopAdminSite"
