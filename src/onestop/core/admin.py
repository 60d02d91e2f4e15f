"""Admin screens of tenancy for platform admins: centres, departments and staff roles.

The user screens are in `core.user_admin`.

Centres and departments are created by `onestop provision` and read-only here. Staff
roles are added and deleted through the same actions as the staff page, so each change
is checked and audited. A role cannot be edited in place.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import HttpRequest

# Imported for its registration of the user screens, which replace Django's.
from onestop.core import user_admin  # noqa: F401
from onestop.core.errors import OneStopError
from onestop.core.models import Centre, Department, Membership
from onestop.core.staff import actions
from onestop.core.staff.errors import DepartmentNotFound
from onestop.core.staff.rules import check_account_grantable


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class SuperuserOnly:
    """Show the screen to superusers only, whatever model permissions staff hold."""

    def has_module_permission(self, request: HttpRequest) -> bool:
        return bool(request.user.is_active and request.user.is_superuser)

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self.has_module_permission(request)


@admin.register(Centre)
class CentreAdmin(SuperuserOnly, ReadOnlyAdmin):
    list_display = ("region_code", "name", "slug", "created_at")
    search_fields = ("region_code", "name", "slug")


@admin.register(Department)
class DepartmentAdmin(SuperuserOnly, ReadOnlyAdmin):
    list_display = ("name", "role_key", "uscc", "connector_kind", "centre")
    list_filter = ("centre", "connector_kind")
    search_fields = ("name", "role_key", "uscc")


class StaffRoleForm(forms.ModelForm):
    """The add form of a staff role, checked by the rules of the grant action."""

    actor: Any = None

    class Meta:
        model = Membership
        fields = ("user", "role", "centre", "department")

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        user, centre, department = (
            data.get("user"),
            data.get("centre"),
            data.get("department"),
        )
        if user is None or not data.get("role"):
            return data
        try:
            if department is not None and department.centre_id != getattr(
                centre, "pk", None
            ):
                raise DepartmentNotFound(
                    department=department.role_key,
                    centre=centre.name if centre else "—",
                    departments="—",
                )
            plan = actions.check_grant(
                actor=self.actor,
                role=data["role"],
                centre=centre,
                department=department.role_key if department else "",
            )
            check_account_grantable(self.actor, user, user.username, plan.centre)
            actions.check_not_held(user, plan.role, plan.centre, plan.department)
        except OneStopError as error:
            raise ValidationError(error.render()) from None
        return data


@admin.register(Membership)
class StaffRoleAdmin(SuperuserOnly, admin.ModelAdmin):
    form = StaffRoleForm
    list_display = ("user", "role", "centre", "department")
    list_filter = ("role", "centre")
    search_fields = ("user__username",)
    list_select_related = ("user", "centre", "department")
    autocomplete_fields = ("user",)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return self.has_module_permission(request)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self.has_module_permission(request)

    def get_form(
        self, request: HttpRequest, obj: Any = None, change: bool = False, **kwargs: Any
    ) -> Any:
        form = super().get_form(request, obj, change=change, **kwargs)
        # The grant rules depend on who grants, which a form class does not know.
        return type(form.__name__, (form,), {"actor": request.user})

    def save_model(
        self, request: HttpRequest, obj: Membership, form: Any, change: bool
    ) -> None:
        grant = actions.grant_role(
            actor=request.user,
            username=obj.user.username,
            role=obj.role,
            centre=obj.centre,
            department=obj.department.role_key if obj.department else "",
        )
        obj.pk = grant.membership.pk

    def delete_model(self, request: HttpRequest, obj: Membership) -> None:
        actions.revoke_role(actor=request.user, membership=obj)

    def delete_queryset(
        self, request: HttpRequest, queryset: QuerySet[Membership]
    ) -> None:
        for membership in queryset.select_related("user", "centre", "department"):
            actions.revoke_role(actor=request.user, membership=membership)
