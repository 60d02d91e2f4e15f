"""Applicants: persons by resident ID number and enterprises by USCC (一号申请).

Persons and enterprises are national identities, not tenant-owned: one person applies at any
centre with one number. Staff read them only through the cases of their own centre.
"""

from __future__ import annotations

import datetime

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from onestop.identity.codes import mask_id_number, mask_name, mask_phone


class Person(models.Model):
    """A natural person (自然人), identified by the 18-character resident ID number."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="person"
    )
    id_number = models.CharField(_("resident ID number"), max_length=18, unique=True)
    name = models.CharField(_("name"), max_length=60)
    birth_date = models.DateField(_("date of birth"))
    phone = models.CharField(_("phone"), max_length=20, blank=True)
    address = models.CharField(_("address"), max_length=200, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("person")

    def __str__(self) -> str:
        return f"{self.masked_name} {self.masked_id_number}"

    @property
    def masked_id_number(self) -> str:
        return mask_id_number(self.id_number)

    @property
    def masked_name(self) -> str:
        return mask_name(self.name)

    @property
    def masked_phone(self) -> str:
        return mask_phone(self.phone) if self.phone else ""


class Enterprise(models.Model):
    """A legal person or other organisation (法人及其他组织), identified by its USCC."""

    uscc = models.CharField(_("unified social credit code"), max_length=18, unique=True)
    name = models.CharField(_("name"), max_length=200)
    legal_representative = models.CharField(_("legal representative"), max_length=60)
    address = models.CharField(_("address"), max_length=200, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("enterprise")

    def __str__(self) -> str:
        return self.name

    @property
    def masked_uscc(self) -> str:
        """The USCC with its first and last 4 characters shown, as certificates show it."""
        return mask_id_number(self.uscc)


class AgencyStatus(models.TextChoices):
    """The state of a claim to act for an enterprise, as a window clerk decided it."""

    PENDING = "pending", _("pending verification")
    VERIFIED = "verified", _("verified")
    # Contexts keep these words apart from a case's and a certificate's states, which
    # Chinese names differently.
    REJECTED = "rejected", pgettext_lazy("agency status", "rejected")
    # A verified agency whose authority a window clerk ended.
    REVOKED = "revoked", pgettext_lazy("agency status", "revoked")


class AgencyAuthority(models.TextChoices):
    """The evidence, besides the business licence (营业执照), that a verification rests on."""

    LEGAL_REPRESENTATIVE = (
        "legal_representative",
        _("the agent is the legal representative"),
    )
    POWER_OF_ATTORNEY = "power_of_attorney", _("power of attorney (授权委托书) seen")
    MIGRATION = "migration", _("agent registered before agencies were verified")


class EnterpriseAgent(models.Model):
    """A registered person who acts for an enterprise (经办人): an agency.

    A claim made online is pending. Only a verified agency lets the person see the
    enterprise's certificates and cases, apply for it and give credit consents for it.
    A window clerk decides a claim after checking the business licence and either the
    legal representative's ID card or a power of attorney (授权委托书). An enterprise
    may have several verified agents, and a clerk may revoke any of them later.
    """

    enterprise = models.ForeignKey(
        Enterprise, on_delete=models.CASCADE, related_name="agencies"
    )
    person = models.ForeignKey(
        Person, on_delete=models.CASCADE, related_name="agencies"
    )
    # When the person claimed the agency, online or again after a rejection.
    since = models.DateTimeField(default=timezone.now)
    status = models.CharField(
        _("status"),
        max_length=16,
        choices=AgencyStatus.choices,
        default=AgencyStatus.PENDING,
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    # The window clerk who verified or rejected the claim, and the centre of that
    # window. Both are empty for agencies verified by migration.
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    decided_at_centre = models.ForeignKey(
        "core.Centre",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    licence_seen = models.BooleanField(_("business licence seen"), default=False)
    authority = models.CharField(
        _("authority"), max_length=24, choices=AgencyAuthority.choices, blank=True
    )
    rejection_reason = models.CharField(
        _("reason for rejection"), max_length=200, blank=True
    )
    # The window clerk who ended a verified agency, the centre of that window, when,
    # and why. The verification fields above keep their values.
    revoked_at = models.DateTimeField(null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    revoked_at_centre = models.ForeignKey(
        "core.Centre",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    revocation_reason = models.CharField(
        _("reason for revocation"), max_length=200, blank=True
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["enterprise", "person"], name="agent_unique"
            ),
        ]
        indexes = [
            models.Index(fields=["status", "since"], name="agency_status_since_idx")
        ]

    def __str__(self) -> str:
        return f"{self.person_id}@{self.enterprise_id} ({self.status})"

    @property
    def is_verified(self) -> bool:
        return self.status == AgencyStatus.VERIFIED

    @property
    def claim_expires_at(self) -> datetime.datetime:
        """When the periodic job removes this claim if it is still pending."""
        return self.since + datetime.timedelta(days=settings.ONESTOP_AGENCY_CLAIM_DAYS)


class SignInThrottle(models.Model):
    """The failed sign-ins of one user name or one client address, or the registrations
    of one address that named an existing account, shared by all workers.

    `key` contains a digest, never a user name or an address. A row whose window has ended
    and whose lock has expired is deleted by the next failed sign-in.
    """

    key = models.CharField(max_length=80, unique=True)
    failures = models.PositiveIntegerField(default=0)
    window_ends_at = models.DateTimeField()
    locked_until = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [
            models.Index(fields=["window_ends_at"], name="signin_window_ends_idx")
        ]

    def __str__(self) -> str:
        return self.key
