"""Admin screens of certificate types; certificates change only through actions."""

from django.contrib import admin

from onestop.certificates.models import Certificate, CertificateType


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
