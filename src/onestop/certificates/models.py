"""Electronic certificates (电子证照): a centre's certificate types and certificates."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from onestop.core.audit import actor_role_label
from onestop.core.models import Department, TenantModel


class HolderKind(models.TextChoices):
    """Holder code types of GB/T 36904: what the holder code of a certificate is."""

    PERSON = "111", _("resident ID number")
    ENTERPRISE = "001", _("unified social credit code")


class CertificateType(TenantModel):
    """A kind of certificate a centre issues or accepts (证照目录 entry)."""

    code = models.CharField(_("type code"), max_length=21)
    name = models.CharField(_("name"), max_length=100)
    defining_body = models.CharField(_("defining body"), max_length=200, blank=True)
    holder_kind = models.CharField(
        _("holder code type"), max_length=3, choices=HolderKind.choices
    )
    # None when the type is long-term, its validity varies or depends on the holder's age.
    validity_years = models.PositiveSmallIntegerField(
        _("validity in years"), null=True, blank=True
    )
    # For validity by the holder's age at issue: [{"below_age", "years"}], youngest
    # first. Older holders get no end date. Empty for every other type.
    validity_by_age = models.JSONField(
        _("validity by age at issue"), default=list, blank=True
    )
    # Fields of the certificate's face: [{"key", "label", "type", "required"}].
    face_fields = models.JSONField(_("face fields"), default=list, blank=True)
    issuing_department = models.ForeignKey(
        Department,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("issuing department"),
    )
    # True for a type that a holder has at most one valid certificate of, such as the
    # resident ID card, so issuing another supersedes the holder's valid one.
    one_valid_per_holder = models.BooleanField(
        _("one valid certificate per holder"), default=False
    )

    class Meta:
        verbose_name = _("certificate type")
        verbose_name_plural = _("certificate types")
        constraints = [
            models.UniqueConstraint(
                fields=["centre", "code"], name="certificate_type_code_unique"
            ),
        ]

    def __str__(self) -> str:
        return self.name


class CertificateStatus(models.TextChoices):
    VALID = "valid", _("valid")
    REVOKED = "revoked", _("revoked")
    SUPERSEDED = "superseded", _("superseded by a newer version")


class Certificate(TenantModel):
    """One issued certificate version, with the signed document it was issued as."""

    identifier = models.CharField(_("certificate identifier"), max_length=120)
    certificate_type = models.ForeignKey(
        CertificateType,
        on_delete=models.PROTECT,
        related_name="certificates",
        verbose_name=_("certificate type"),
    )
    issuer = models.ForeignKey(
        Department, on_delete=models.PROTECT, related_name="+", verbose_name=_("issuer")
    )
    serial = models.CharField(_("serial"), max_length=40)
    version = models.PositiveSmallIntegerField(_("version"))
    holder_kind = models.CharField(
        max_length=3, choices=HolderKind.choices, verbose_name=_("holder kind")
    )
    holder_code = models.CharField(_("holder code"), max_length=18)
    holder_name = models.CharField(_("holder name"), max_length=200)
    face = models.JSONField(_("face field values"), default=dict, blank=True)
    valid_from = models.DateField(_("valid from"))
    valid_until = models.DateField(_("valid until"), null=True, blank=True)
    issued_at = models.DateTimeField(_("issued at"), default=timezone.now)
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("issued by"),
    )
    case_number = models.CharField(_("case number"), max_length=32, blank=True)
    status = models.CharField(
        max_length=20,
        choices=CertificateStatus.choices,
        default=CertificateStatus.VALID,
        verbose_name=_("status"),
    )
    status_changed_at = models.DateTimeField(
        null=True, blank=True, verbose_name=_("status changed at")
    )
    revocation_reason = models.TextField(_("reason for revoking"), blank=True)
    previous = models.OneToOneField(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="next_version",
        verbose_name=_("previous version"),
    )
    # The canonical JSON body that was signed, and {"alg", "kid", "sig"} over it.
    document = models.JSONField(verbose_name=_("document"))
    signature = models.JSONField(verbose_name=_("signature"))
    # The ledger entry of the latest event of this version (issued, revoked ...), whose
    # offline proof bundle the holder and verifiers download.
    ledger_entry_id = models.BigIntegerField(
        null=True, blank=True, verbose_name=_("ledger entry ID")
    )

    class Meta:
        verbose_name = _("electronic certificate")
        verbose_name_plural = _("electronic certificates")
        constraints = [
            models.UniqueConstraint(
                fields=["centre", "identifier"], name="certificate_identifier_unique"
            ),
            models.UniqueConstraint(
                fields=["centre", "issuer", "serial", "version"],
                name="certificate_serial_version_unique",
            ),
        ]
        indexes = [
            # Verifiers look a certificate up by identifier alone, without a centre.
            models.Index(fields=["identifier"], name="certificate_identifier_idx"),
            models.Index(
                fields=["centre", "holder_kind", "holder_code"],
                name="certificate_holder_idx",
            ),
        ]

    def __str__(self) -> str:
        return self.identifier


class CertificateCounter(TenantModel):
    """The last serial number an issuer used on a day, for gap-free serials."""

    issuer = models.ForeignKey(Department, on_delete=models.CASCADE, related_name="+")
    day = models.DateField()
    last = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["centre", "issuer", "day"], name="certificate_counter_unique"
            ),
        ]


class CertificateUse(TenantModel):
    """One use of a certificate as a material of a case (用证记录), in the using centre."""

    certificate = models.ForeignKey(
        Certificate, on_delete=models.PROTECT, related_name="uses"
    )
    case_number = models.CharField(_("case number"), max_length=32)
    material_key = models.CharField(_("material"), max_length=80)
    # The material's name in the case's matter version, as the holder's use log shows it.
    material_name = models.CharField(_("material name"), max_length=200, blank=True)
    used_at = models.DateTimeField(default=timezone.now)
    used_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    # The role in which `used_by` acted: "applicant", or a staff role such as "clerk".
    used_by_role = models.CharField(_("role"), max_length=30, blank=True)

    class Meta:
        verbose_name = _("certificate use")
        verbose_name_plural = _("certificate uses")
        indexes = [
            models.Index(fields=["centre", "certificate"], name="certificate_use_idx"),
        ]

    @property
    def used_by_role_label(self) -> str:
        """The translated name of the role in which the certificate was used."""
        return actor_role_label(self.used_by_role) if self.used_by_role else ""
