"""The Django admin's user screens, changed so that deactivating an account or setting
its password works as on the staff page.

Unticking *Active* in the change form, the bulk actions of the user list and the
admin's password form all call `core.staff.accounts`, so the account's sessions end,
its API tokens are revoked and the change is audited. Reactivating is audited too.
Accounts cannot be deleted here.
"""

from __future__ import annotations

from contextvars import ContextVar
from typing import Any

from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import UserAdmin
from django.contrib.auth.forms import AdminPasswordChangeForm, UserChangeForm
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from onestop.core.errors import OneStopError
from onestop.core.models import Role
from onestop.core.permissions import find_role
from onestop.core.session_generation import keep_session
from onestop.core.staff import accounts

# The user who posts the admin's password form. Django's view creates the form with the
# account alone, so the form reads its actor from here.
_password_actor: ContextVar[Any] = ContextVar("onestop.admin_password_actor")


def admin_role(actor: Any) -> str:
    """Return the role in which `actor` changes accounts in the Django admin, for the
    audit event: platform_admin when held, else superuser or django_admin."""
    if find_role(actor, [Role.PLATFORM_ADMIN]) is not None:
        return str(Role.PLATFORM_ADMIN)
    return "superuser" if actor.is_superuser else "django_admin"


class AccountChangeForm(UserChangeForm):
    """The user change form, which rejects a deactivation that the staff page rejects."""

    actor: Any = None

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if "is_active" not in self.changed_data or data.get("is_active"):
            return data
        user = self.instance
        try:
            accounts.check_not_own_account(self.actor, user)
            accounts.check_not_last_admin(user)
        except OneStopError as error:
            raise ValidationError({"is_active": error.render()}) from None
        return data


class AccountPasswordForm(AdminPasswordChangeForm):
    """The admin's password form, which sets the password through the account action."""

    def save(self, commit: bool = True) -> Any:
        actor = _password_actor.get()
        usable = self.cleaned_data["set_usable_password"]
        accounts.set_password_by_admin(
            self.user,
            self.cleaned_data["password1"] if usable else None,
            actor=actor,
            actor_role=admin_role(actor),
        )
        return self.user


class AccountAdmin(UserAdmin):
    form = AccountChangeForm
    change_password_form = AccountPasswordForm
    actions = ("deactivate_accounts", "reactivate_accounts")

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        # Accounts are deactivated, never deleted: cases, audit events and ratings name
        # them, and a deletion would skip the checks and the audit event of a
        # deactivation.
        return False

    def get_form(
        self, request: HttpRequest, obj: Any = None, change: bool = False, **kwargs: Any
    ) -> Any:
        form = super().get_form(request, obj, change=change, **kwargs)
        if obj is None:
            return form
        # The deactivation rules depend on who deactivates, which a form class does
        # not know.
        return type(form.__name__, (form,), {"actor": request.user})

    def save_model(
        self, request: HttpRequest, obj: Any, form: Any, change: bool
    ) -> None:
        if not change or "is_active" not in form.changed_data:
            super().save_model(request, obj, form, change)
            return
        # The other fields are saved with the stored status, which the account action
        # then changes.
        active = obj.is_active
        obj.is_active = not active
        super().save_model(request, obj, form, change)
        change_status = accounts.reactivate if active else accounts.deactivate
        change_status(
            obj, actor=request.user, actor_role=admin_role(request.user), centre=None
        )

    def user_change_password(
        self, request: HttpRequest, id: str, form_url: str = ""
    ) -> HttpResponse:
        token = _password_actor.set(request.user)
        try:
            with transaction.atomic():
                response = super().user_change_password(request, id, form_url)
        finally:
            _password_actor.reset(token)
        # As in Django, an admin who sets their own password stays signed in.
        if str(request.user.pk) == unquote(id):
            keep_session(request, request.user)
        return response

    @admin.action(
        description=_("Deactivate the selected accounts"), permissions=["change"]
    )
    def deactivate_accounts(
        self, request: HttpRequest, queryset: QuerySet[Any]
    ) -> None:
        self._change_status(request, queryset, accounts.deactivate)

    @admin.action(
        description=_("Reactivate the selected accounts"), permissions=["change"]
    )
    def reactivate_accounts(
        self, request: HttpRequest, queryset: QuerySet[Any]
    ) -> None:
        self._change_status(request, queryset, accounts.reactivate)

    def _change_status(
        self, request: HttpRequest, queryset: QuerySet[Any], change_status: Any
    ) -> None:
        """Apply `change_status` to each selected account in its own transaction, and
        report how many changed and each account that was rejected."""
        role = admin_role(request.user)
        changed = 0
        for user in queryset.order_by("pk"):
            try:
                with transaction.atomic():
                    changed += change_status(
                        user, actor=request.user, actor_role=role, centre=None
                    )
            except OneStopError as error:
                self.message_user(request, error.render(), messages.ERROR)
        self.message_user(
            request,
            ngettext(
                "%(count)s account changed.", "%(count)s accounts changed.", changed
            )
            % {"count": changed},
            messages.SUCCESS,
        )


admin.site.unregister(get_user_model())
admin.site.register(get_user_model(), AccountAdmin)
