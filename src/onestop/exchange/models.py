"""Connector settings of departments, the envelopes sent to them and their callbacks."""

from __future__ import annotations

import uuid

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from onestop.cases.models import Case
from onestop.core.models import Department, TenantModel


class ConnectorKind(models.TextChoices):
    WORKLIST = "worklist", _("OneStop worklist (built in)")
    WEBHOOK = "webhook", _("webhook (HTTPS POST to the department)")
    PULL = "pull", _("pull (the department polls OneStop)")
    AMQP = "amqp", _("AMQP queue (RabbitMQ)")


class KeyAlgorithm(models.TextChoices):
    ED25519 = "ed25519", _("Ed25519 public key")
    HMAC_SHA256 = "hmac-sha256", _("HMAC-SHA256 shared secret")


class ConnectorConfig(TenantModel):
    """How one department receives envelopes and how its callbacks are verified."""

    department = models.OneToOneField(
        Department,
        on_delete=models.CASCADE,
        related_name="connector",
        verbose_name=_("department"),
    )
    kind = models.CharField(
        _("connector kind"),
        max_length=20,
        choices=ConnectorKind.choices,
        default=ConnectorKind.WORKLIST,
    )
    endpoint = models.URLField(_("webhook endpoint"), max_length=300, blank=True)
    amqp_url = models.CharField(_("AMQP broker URL"), max_length=300, blank=True)
    queue = models.CharField(_("AMQP queue"), max_length=200, blank=True)
    reply_queue = models.CharField(_("AMQP reply queue"), max_length=200, blank=True)
    key_algorithm = models.CharField(
        _("department key algorithm"),
        max_length=20,
        choices=KeyAlgorithm.choices,
        default=KeyAlgorithm.ED25519,
    )
    public_key = models.CharField(
        _("Ed25519 public key (base64url, 32 bytes)"), max_length=64, blank=True
    )
    hmac_secret = models.CharField(_("HMAC secret"), max_length=200, blank=True)
    timeout_seconds = models.FloatField(_("timeout in seconds"), default=10.0)
    max_attempts = models.PositiveIntegerField(_("delivery attempts"), default=8)
    applicant_fields = models.JSONField(
        _("applicant fields sent unmasked"), default=list, blank=True
    )
    updated_at = models.DateTimeField(auto_now=True, verbose_name=_("updated at"))

    class Meta:
        verbose_name = _("department connector")
        verbose_name_plural = _("department connectors")
        constraints = [
            models.UniqueConstraint(
                fields=["centre", "department"], name="connector_department_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.department} ({self.kind})"


class EnvelopeStatus(models.TextChoices):
    CREATED = "created", _("created")
    DELIVERED = "delivered", _("delivered")
    AWAITING_PULL = "awaiting_pull", _("waiting for the department to fetch it")
    ACKNOWLEDGED = "acknowledged", _("acknowledged by the department")


class Envelope(TenantModel):
    """One signed dispatch of a case to its department, stored as it was signed."""

    id = models.UUIDField(
        primary_key=True,
        default=uuid.uuid4,
        editable=False,
        verbose_name=_("envelope ID"),
    )
    case = models.ForeignKey(
        Case, on_delete=models.PROTECT, related_name="envelopes", verbose_name=_("case")
    )
    department = models.ForeignKey(
        Department, on_delete=models.PROTECT, verbose_name=_("department")
    )
    connector_kind = models.CharField(
        max_length=20, choices=ConnectorKind.choices, verbose_name=_("connector kind")
    )
    idempotency_key = models.CharField(
        max_length=120, verbose_name=_("idempotency key")
    )
    body = models.JSONField(verbose_name=_("body"))
    signature = models.JSONField(verbose_name=_("signature"))
    sha256 = models.CharField(max_length=64, verbose_name=_("SHA-256"))
    status = models.CharField(
        max_length=20,
        choices=EnvelopeStatus.choices,
        default=EnvelopeStatus.CREATED,
        verbose_name=_("status"),
    )
    attempts = models.PositiveIntegerField(default=0, verbose_name=_("attempts made"))
    created_at = models.DateTimeField(
        default=timezone.now, verbose_name=_("created at")
    )
    delivered_at = models.DateTimeField(
        null=True, blank=True, verbose_name=_("delivered at")
    )
    acknowledged_at = models.DateTimeField(
        null=True, blank=True, verbose_name=_("acknowledged at")
    )

    class Meta:
        verbose_name = _("envelope")
        verbose_name_plural = _("envelopes")
        constraints = [
            models.UniqueConstraint(
                fields=["centre", "idempotency_key"], name="envelope_idempotency_unique"
            ),
        ]
        indexes = [models.Index(fields=["centre", "department", "status"])]


class CallbackStatus(models.TextChoices):
    RECEIVED = "received", _("received by the department")
    CORRECTION_NEEDED = "correction_needed", _("correction needed")
    APPROVED = "approved", _("approved")
    DENIED = "denied", _("denied")


class DepartmentCallback(TenantModel):
    """One result message from a department, stored with its signature and our receipt."""

    callback_id = models.UUIDField(verbose_name=_("callback ID"))
    envelope = models.ForeignKey(
        Envelope,
        on_delete=models.PROTECT,
        related_name="callbacks",
        verbose_name=_("envelope"),
    )
    case = models.ForeignKey(
        Case, on_delete=models.PROTECT, related_name="+", verbose_name=_("case")
    )
    status = models.CharField(
        max_length=30, choices=CallbackStatus.choices, verbose_name=_("status")
    )
    body = models.JSONField(verbose_name=_("body"))
    signature = models.JSONField(verbose_name=_("signature"))
    sha256 = models.CharField(max_length=64, verbose_name=_("SHA-256"))
    receipt = models.JSONField(verbose_name=_("receipt"))
    receipt_signature = models.JSONField(verbose_name=_("receipt signature"))
    received_at = models.DateTimeField(
        default=timezone.now, verbose_name=_("received at")
    )

    class Meta:
        verbose_name = _("department callback")
        verbose_name_plural = _("department callbacks")
        constraints = [
            models.UniqueConstraint(
                fields=["centre", "callback_id"], name="callback_id_unique"
            ),
        ]
