"""Admin screens of the catalogue: read-only records of overlays, installations, conflicts.

Changes go through the catalogue pages and `onestop pack upgrade`, which validate them,
freeze new matter versions and write audit events; the admin only shows the records.
"""

from __future__ import annotations

from django.contrib import admin

from onestop.catalog.models import MatterOverlay, PackInstallation, UpgradeConflict
from onestop.core.admin import ReadOnlyAdmin


@admin.register(MatterOverlay)
class MatterOverlayAdmin(ReadOnlyAdmin):
    list_display = ("matter", "path", "centre", "updated_at")
    list_filter = ("centre",)
    search_fields = ("matter__pack_id", "path")


@admin.register(PackInstallation)
class PackInstallationAdmin(ReadOnlyAdmin):
    list_display = (
        "centre",
        "pack_id",
        "previous_version",
        "version",
        "kind",
        "installed_at",
    )
    list_filter = ("centre", "kind")


@admin.register(UpgradeConflict)
class UpgradeConflictAdmin(ReadOnlyAdmin):
    list_display = ("matter", "path", "centre", "resolution", "resolved_at")
    list_filter = ("centre", "resolution")
    search_fields = ("matter__pack_id", "path")
