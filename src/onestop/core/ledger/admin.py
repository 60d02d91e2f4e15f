"""Read-only admin screens of the ledger: an edit here would be tampering."""

from __future__ import annotations

from django.contrib import admin

from onestop.core.ledger.models import Checkpoint, LedgerEntry


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(LedgerEntry)
class LedgerEntryAdmin(ReadOnlyAdmin):
    list_display = ["index", "kind", "centre_id", "queued_at", "integrated_at"]
    list_filter = ["kind"]
    exclude = ["data", "leaf_hash"]


@admin.register(Checkpoint)
class CheckpointAdmin(ReadOnlyAdmin):
    list_display = ["size", "published_at"]
    exclude = ["root_hash"]
