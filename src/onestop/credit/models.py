"""Credit records (信用记录) of persons and enterprises, and the subjects' consents.

A record is never edited: a correction or a revocation is a new record that names the
record it supersedes. Each record is anchored in the ledger by the SHA-256 of its
canonical document, and a subject shares their records with a third party through a
signed consent token.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from onestop.core.models import Department, TenantModel


class SubjectType(models.TextChoices):
    PERSON = "person", _("person")
    ENTERPRISE = "enterprise", _("enterprise")


class CreditKind(models.TextChoices):
    COMMITMENT_KEPT = "commitment_kept", _("commitment kept")
    COMMITMENT_BROKEN = "commitment_broken", _("commitment broken")
    DISHONESTY_LIST = "dishonesty_list", _("dishonesty list entry")
    COMMENDATION = "commendation", _("commendation")


class RecordAction(models.TextChoices):
    RECORD = "record", _("recorded")
    CORRECT = "correct", _("corrected")
    # A certificate's "revoked" is 已注销 in Chinese; a credit record's is 已撤销.
    REVOKE = "revoke", pgettext_lazy("credit record", "revoked")


class CreditRecord(TenantModel):
    """A fact about the credit of a person (by ID number) or an enterprise (by USCC)."""

    subject_type = models.CharField(max_length=20, choices=SubjectType.choices)
    subject_code = models.CharField(_("ID number or credit code"), max_length=18)
    subject_reference = models.CharField(max_length=64, db_index=True)
    kind = models.CharField(_("kind"), max_length=30, choices=CreditKind.choices)
    action = models.CharField(
        max_length=20, choices=RecordAction.choices, default=RecordAction.RECORD
    )
    department = models.ForeignKey(
        Department, on_delete=models.PROTECT, verbose_name=_("source department")
    )
    legal_basis = models.TextField(_("legal basis"))
    facts = models.TextField(_("facts"))
    decided_on = models.DateField(_("decided on"))
    list_name = models.CharField(_("list name"), max_length=200, blank=True)
    listed_on = models.DateField(_("listed on"), null=True, blank=True)
    delisted_on = models.DateField(_("delisted on"), null=True, blank=True)
    case_number = models.CharField(_("case number"), max_length=32, blank=True)
    supersedes = models.OneToOneField(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="superseded_by",
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True
    )
    recorded_at = models.DateTimeField(default=timezone.now)
    # Both are set in the transaction that creates the record, right after its id.
    sha256 = models.CharField(max_length=64, blank=True)
    ledger_entry = models.ForeignKey(
        "ledger.LedgerEntry",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        verbose_name = _("credit record")
        indexes = [
            models.Index(
                fields=["centre", "subject_reference"], name="credit_record_subject"
            ),
        ]

    def __str__(self) -> str:
        return f"credit record {self.pk} ({self.kind}, {self.action})"


class Consent(TenantModel):
    """A subject's consent that one recipient may read their credit report (授权查询).

    The token itself is not stored. Its nonce identifies this row.
    """

    subject_type = models.CharField(max_length=20, choices=SubjectType.choices)
    subject_code = models.CharField(max_length=18)
    subject_reference = models.CharField(max_length=64)
    recipient_name = models.CharField(_("recipient"), max_length=200)
    recipient_uscc = models.CharField(_("recipient credit code"), max_length=18)
    purpose = models.CharField(_("purpose"), max_length=200)
    nonce = models.CharField(max_length=32, unique=True)
    expires_at = models.DateTimeField(_("expires at"))
    single_use = models.BooleanField(_("single use"), default=False)
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    issued_at = models.DateTimeField(default=timezone.now)
    revoked_at = models.DateTimeField(null=True, blank=True)
    use_count = models.PositiveIntegerField(default=0)
    last_used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("credit report consent")
        indexes = [
            models.Index(
                fields=["centre", "subject_reference"], name="credit_consent_subject"
            ),
        ]

    def __str__(self) -> str:
        return f"consent {self.pk} for {self.recipient_uscc}"
