"""Admin screens of certificate types; certificates change only through actions."""

from typing import Any

from django.contrib import admin
from django.http import HttpRequest, HttpResponse

from onestop.certificates.models import Certificate, CertificateType
from onestop.certificates.queries import record_staff_view
from onestop.core.user_admin import admin_role


@admin.register(CertificateType)
class CertificateTypeAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "holder_kind", "validity_years", "centre"]
    list_filter = ["centre", "holder_kind"]
    search_fields = ["code", "name"]


@admin.register(Certificate)
class CertificateAdmin(admin.ModelAdmin):
    """A read-only list: issuing, revoking and renewing go through the actions."""

    list_display = ["identifier", "certificate_type", "status", "valid_until", "centre"]
    list_filter = ["centre", "status", "certificate_type"]
    search_fields = ["identifier", "case_number"]
    exclude = ["holder_code", "document", "signature"]

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def change_view(
        self,
        request: HttpRequest,
        object_id: str,
        form_url: str = "",
        extra_context: dict[str, Any] | None = None,
    ) -> HttpResponse:
        """Show a certificate read-only, auditing the view of its face and holder as
        `certificate.viewed`, as the API audits a staff download."""
        response = super().change_view(request, object_id, form_url, extra_context)
        if request.method in ("GET", "HEAD") and response.status_code == 200:
            certificate = self.get_object(request, object_id)
            if certificate is not None:
                role = admin_role(request.user)
                record_staff_view(request.user, certificate, actor_role=role)
        return response
