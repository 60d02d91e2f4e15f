"""The Django admin site of OneStop, open to every active staff account, which sends
staff with no admin screens home."""

from __future__ import annotations

from typing import Any

from django.contrib import admin, messages
from django.contrib.admin.apps import AdminConfig
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext


class OneStopAdminSite(admin.AdminSite):
    def has_permission(self, request: HttpRequest) -> bool:
        """Let in an active account that has a staff role or Django's staff status.

        Each screen checks the roles itself, such as the connector screen that a
        department admin uses. Django's own rule requires `is_staff`, which granting a
        role does not set, so a department admin granted on the staff page could not
        reach their connector.
        """
        # Imported here, as in `login`, because Django loads this module before the
        # models are ready.
        from onestop.core.permissions import staff_roles

        user = request.user
        return bool(user.is_active and (user.is_staff or staff_roles(user)))

    def login(
        self, request: HttpRequest, extra_context: dict[str, Any] | None = None
    ) -> HttpResponse:
        """Send the sign-in to OneStop's own page, which signs in every account.

        Django's admin form accepts only accounts with `is_staff`, and it would skip
        OneStop's rules for a first password and deactivated accounts.
        """
        from django.contrib.auth.views import redirect_to_login

        return redirect_to_login(request.GET.get("next") or reverse("admin:index"))

    # django-stubs types index() as returning a TemplateResponse, but Django serves any
    # HttpResponse that a view returns, a redirect included.
    def index(  # type: ignore[override]
        self, request: HttpRequest, extra_context: dict[str, Any] | None = None
    ) -> HttpResponse:
        """Show the admin index, or send a user who may see no screen to the home page.

        Every staff account may open the admin, and most roles' work is on the OneStop
        pages, where Django's index would only show that they may view nothing.
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
