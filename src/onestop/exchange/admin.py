"""Admin screens of the department exchange.

A department admin sees and edits only the connector of their own department; platform
admins (superusers) see every connector. Envelopes and callbacks are read-only records.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from onestop.core.models import Department, Role
from onestop.core.permissions import staff_roles
from onestop.exchange import actions
from onestop.exchange.connectors import check_config
from onestop.exchange.models import ConnectorConfig, DepartmentCallback, Envelope


def administered_departments(request: HttpRequest) -> QuerySet[Department]:
    """Return the departments whose connector the signed-in user may configure."""
    if request.user.is_superuser:
        return Department.objects.all()
    ids = [
        m.department_id
        for m in staff_roles(request.user)
        if m.role == Role.DEPARTMENT_ADMIN and m.department_id is not None
    ]
    return Department.objects.filter(pk__in=ids)


class ConnectorConfigForm(forms.ModelForm):
    hmac_secret = forms.CharField(
        label=_("HMAC secret"),
        required=False,
        widget=forms.PasswordInput(render_value=False),
        help_text=_("Leave empty to keep the stored secret."),
    )

    class Meta:
        model = ConnectorConfig
        fields = [
            "department",
            "kind",
            "endpoint",
            "amqp_url",
            "queue",
            "reply_queue",
            "key_algorithm",
            "public_key",
            "hmac_secret",
            "timeout_seconds",
            "max_attempts",
            "applicant_fields",
        ]

    def clean_hmac_secret(self) -> str:
        return self.cleaned_data["hmac_secret"] or self.instance.hmac_secret

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        candidate = ConnectorConfig(
            **{
                name: cleaned.get(name, getattr(self.instance, name))
                for name in self.Meta.fields
                if name != "department"
            }
        )
        for problem in check_config(candidate):
            self.add_error(None, problem)
        return cleaned


class DepartmentScopedAdmin(admin.ModelAdmin):
    """Rows of the departments the user administers; nothing for other staff."""

    def get_queryset(self, request: HttpRequest) -> QuerySet:
        departments = administered_departments(request)
        return super().get_queryset(request).filter(department__in=departments)

    def has_module_permission(self, request: HttpRequest) -> bool:
        return administered_departments(request).exists()

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self._covers(request, obj)

    def _covers(self, request: HttpRequest, obj: Any) -> bool:
        departments = administered_departments(request)
        if obj is None:
            return departments.exists()
        return departments.filter(pk=obj.department_id).exists()


@admin.register(ConnectorConfig)
class ConnectorConfigAdmin(DepartmentScopedAdmin):
    form = ConnectorConfigForm
    list_display = [
        "department",
        "kind",
        "endpoint",
        "queue",
        "key_algorithm",
        "updated_at",
    ]
    list_filter = ["kind"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return self._covers(request, None)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self._covers(request, obj)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def formfield_for_foreignkey(
        self, db_field: Any, request: HttpRequest, **kwargs: Any
    ):
        if db_field.name == "department":
            kwargs["queryset"] = administered_departments(request)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def save_model(
        self, request: HttpRequest, obj: Any, form: Any, change: bool
    ) -> None:
        actions.save_connector_config(actor=request.user, config=obj)


class ReadOnlyScopedAdmin(DepartmentScopedAdmin):
    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Envelope)
class EnvelopeAdmin(ReadOnlyScopedAdmin):
    list_display = ["id", "case", "department", "connector_kind", "status", "attempts"]
    list_filter = ["status", "connector_kind"]


@admin.register(DepartmentCallback)
class DepartmentCallbackAdmin(ReadOnlyScopedAdmin):
    list_display = ["callback_id", "case", "status", "received_at"]
    list_filter = ["status"]

    def get_queryset(self, request: HttpRequest) -> QuerySet:
        departments = administered_departments(request)
        queryset = admin.ModelAdmin.get_queryset(self, request)
        return queryset.filter(envelope__department__in=departments)

    def _covers(self, request: HttpRequest, obj: Any) -> bool:
        department_id = obj.envelope.department_id if obj is not None else None
        departments = administered_departments(request)
        if department_id is None:
            return departments.exists()
        return departments.filter(pk=department_id).exists()
