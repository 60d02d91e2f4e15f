"""Matters (事项) of a centre and the frozen versions that cases are pinned to."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from onestop.core.models import Department, TenantModel


class MatterType(models.TextChoices):
    ADMINISTRATIVE_LICENSING = "administrative_licensing", _("administrative licensing")
    ADMINISTRATIVE_PAYMENT = "administrative_payment", _("administrative payment")
    ADMINISTRATIVE_CONFIRMATION = (
        "administrative_confirmation",
        _("administrative confirmation"),
    )
    ADMINISTRATIVE_AWARD = "administrative_award", _("administrative award")
    ADMINISTRATIVE_RULING = "administrative_ruling", _("administrative ruling")
    OTHER_POWER = "other_power", _("other administrative power")
    PUBLIC_SERVICE = "public_service", _("public service")


class MatterOrigin(models.TextChoices):
    PACK = "pack", _("catalogue pack")
    LOCAL = "local", _("local matter")


class Matter(TenantModel):
    """One service (实施清单 entry) that a centre offers, with its current version."""

    department = models.ForeignKey(Department, on_delete=models.PROTECT)
    pack_id = models.CharField(_("pack matter id"), max_length=120)
    basic_code = models.CharField(_("basic code"), max_length=40, blank=True)
    implementation_code = models.CharField(
        _("implementation code"), max_length=80, blank=True
    )
    name = models.CharField(_("name"), max_length=200)
    matter_type = models.CharField(_("type"), max_length=40, choices=MatterType.choices)
    is_active = models.BooleanField(_("open for application"), default=True)
    guide_only = models.BooleanField(_("guide only"), default=False)
    current_version = models.ForeignKey(
        "MatterVersion",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    search_text = models.TextField(blank=True)
    origin = models.CharField(
        _("origin"),
        max_length=10,
        choices=MatterOrigin.choices,
        default=MatterOrigin.PACK,
    )
    pack_definition = models.JSONField(_("pack definition"), null=True, blank=True)
    pack_version = models.CharField(_("pack version"), max_length=40, blank=True)
    removed_upstream = models.BooleanField(_("removed from the pack"), default=False)

    class Meta:
        verbose_name = _("matter")
        constraints = [
            models.UniqueConstraint(
                fields=["centre", "pack_id"], name="matter_pack_id_unique"
            ),
        ]
        indexes = [models.Index(fields=["centre", "is_active", "name"])]

    def __str__(self) -> str:
        return self.name


class MatterVersion(TenantModel):
    """A frozen snapshot of a matter's definition (guide, materials, form, limits, process)."""

    matter = models.ForeignKey(
        Matter, on_delete=models.PROTECT, related_name="versions"
    )
    number = models.PositiveIntegerField()
    definition = models.JSONField()
    source = models.CharField(max_length=120, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("matter version")
        constraints = [
            models.UniqueConstraint(
                fields=["centre", "matter", "number"], name="matter_version_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.matter_id} v{self.number}"

    @property
    def guide(self) -> MatterGuide:
        return MatterGuide(self.definition)


class MatterGuide:
    """Typed reads of a matter definition, with the defaults a pack may leave out."""

    def __init__(self, definition: dict[str, Any]) -> None:
        self.definition = definition

    @property
    def name(self) -> str:
        return str(self.definition.get("name", ""))

    @property
    def is_immediate(self) -> bool:
        return self.definition.get("handling_type") == "immediate"

    @property
    def materials(self) -> list[dict[str, Any]]:
        return list(self.definition.get("materials") or [])

    @property
    def form_fields(self) -> list[dict[str, Any]]:
        return list(self.definition.get("form_fields") or [])

    @property
    def service_objects(self) -> list[str]:
        """Who may apply: "person", "enterprise" or both (服务对象)."""
        return list(self.definition.get("service_objects") or [])

    def time_limit(self, kind: str) -> tuple[int, str]:
        """Return (amount, unit) of the "statutory" or "promised" limit."""
        limits = self.definition.get("time_limits") or {}
        limit = limits.get(kind) or limits.get("statutory") or {}
        return int(limit.get("amount", 0)), str(limit.get("unit", "working_days"))

    @property
    def result(self) -> dict[str, Any]:
        return dict(self.definition.get("result") or {})


class MatterOverlay(TenantModel):
    """One field of a matter that the centre changed (本地化调整), at a dotted path.

    `path` names a key of the definition ("time_limits.promised.amount"); a list such as
    "materials" is one field. The path "enabled" switches the matter off or on.
    """

    matter = models.ForeignKey(
        Matter,
        on_delete=models.CASCADE,
        related_name="overlays",
        verbose_name=_("matter"),
    )
    path = models.CharField(_("field"), max_length=200)
    value = models.JSONField(_("centre value"), null=True)
    updated_at = models.DateTimeField(
        default=timezone.now, verbose_name=_("updated at")
    )
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        verbose_name=_("updated by"),
    )

    class Meta:
        verbose_name = _("overlay field")
        verbose_name_plural = _("overlay fields")
        constraints = [
            models.UniqueConstraint(
                fields=["centre", "matter", "path"], name="matter_overlay_path_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.matter_id} {self.path}"


class PackInstallation(TenantModel):
    """A pack version put on a centre, by provisioning or by an upgrade."""

    class Kind(models.TextChoices):
        PROVISION = "provision", _("provision")
        UPGRADE = "upgrade", _("upgrade")

    pack_id = models.CharField(_("pack id"), max_length=120)
    version = models.CharField(_("pack version"), max_length=40)
    previous_version = models.CharField(
        _("previous version"), max_length=40, blank=True
    )
    kind = models.CharField(
        max_length=10, choices=Kind.choices, verbose_name=_("installation kind")
    )
    summary = models.JSONField(default=dict, blank=True, verbose_name=_("summary"))
    installed_at = models.DateTimeField(
        default=timezone.now, verbose_name=_("installed at")
    )
    installed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        verbose_name=_("installed by"),
    )

    class Meta:
        verbose_name = _("pack installation")
        verbose_name_plural = _("pack installations")
        indexes = [models.Index(fields=["centre", "installed_at"])]

    def __str__(self) -> str:
        return f"{self.pack_id}@{self.version}"


class UpgradeConflict(TenantModel):
    """A field both the pack and the centre changed: the centre's value stayed, for review."""

    installation = models.ForeignKey(
        PackInstallation,
        on_delete=models.PROTECT,
        related_name="conflicts",
        verbose_name=_("installation"),
    )
    matter = models.ForeignKey(
        Matter,
        on_delete=models.PROTECT,
        related_name="conflicts",
        verbose_name=_("matter"),
    )
    path = models.CharField(_("field"), max_length=200)
    base_value = models.JSONField(_("old pack value"), null=True)
    pack_value = models.JSONField(_("new pack value"), null=True)
    centre_value = models.JSONField(_("centre value"), null=True)
    resolution = models.CharField(_("resolution"), max_length=20, blank=True)
    resolved_at = models.DateTimeField(
        null=True, blank=True, verbose_name=_("resolved at")
    )
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        verbose_name=_("resolved by"),
    )

    class Meta:
        verbose_name = _("upgrade conflict")
        verbose_name_plural = _("upgrade conflicts")
        indexes = [models.Index(fields=["centre", "resolved_at"])]

    def __str__(self) -> str:
        return f"{self.matter_id} {self.path}"
