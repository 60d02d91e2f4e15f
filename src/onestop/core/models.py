"""Tenancy, windows, staff roles, audit events, API tokens, session generations,
notifications and the outbox."""

from __future__ import annotations

import hashlib
import secrets
import uuid
from typing import Any

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Centre(models.Model):
    """A service centre (政务服务中心), the tenant, bound to one county-level region."""

    region_code = models.CharField(_("region code"), max_length=6, unique=True)
    name = models.CharField(_("name"), max_length=200)
    slug = models.SlugField(max_length=60, unique=True, verbose_name=_("URL slug"))
    # Share of a time limit left at which an open case turns yellow (a warning).
    warning_ratio = models.DecimalField(
        max_digits=4, decimal_places=3, default=0.2, verbose_name=_("warning ratio")
    )
    created_at = models.DateTimeField(
        default=timezone.now, verbose_name=_("created at")
    )

    class Meta:
        verbose_name = _("service centre")
        verbose_name_plural = _("service centres")

    def __str__(self) -> str:
        return self.name


class TenantManager(models.Manager):
    """Manager of tenant-owned rows: reads go through `for_centre`."""

    def for_centre(self, centre: Centre | int) -> models.QuerySet:
        centre_id = centre if isinstance(centre, int) else centre.pk
        return self.get_queryset().filter(centre_id=centre_id)


class TenantModel(models.Model):
    centre = models.ForeignKey(
        Centre, on_delete=models.PROTECT, verbose_name=_("centre")
    )

    objects = TenantManager()

    class Meta:
        abstract = True


class Department(TenantModel):
    """An implementing body (实施主体) of a centre, bound to a pack's department role."""

    role_key = models.CharField(_("department role"), max_length=60)
    name = models.CharField(_("name"), max_length=200)
    uscc = models.CharField(_("unified social credit code"), max_length=18)
    connector_kind = models.CharField(_("connector"), max_length=20, default="worklist")

    class Meta:
        verbose_name = _("department")
        verbose_name_plural = _("departments")
        constraints = [
            models.UniqueConstraint(
                fields=["centre", "role_key"], name="department_role_unique"
            ),
        ]

    def __str__(self) -> str:
        return self.name


class WindowKind(models.TextChoices):
    COMPREHENSIVE = "comprehensive", _("comprehensive window")
    DEPARTMENT = "department", _("department window")


class Window(TenantModel):
    """A window (窗口) of a centre, where clerks accept cases and serve visits.

    A comprehensive window (综合窗口) accepts every matter. A department window belongs
    to one department. Cases, visits, ratings and rating pads refer to their window and
    also keep its name as it was then, so renaming a window leaves their history as it
    was.
    """

    code = models.CharField(_("window code"), max_length=40)
    name = models.CharField(_("name"), max_length=40)
    kind = models.CharField(
        _("kind"),
        max_length=20,
        choices=WindowKind.choices,
        default=WindowKind.COMPREHENSIVE,
    )
    department = models.ForeignKey(
        Department,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="windows",
        verbose_name=_("department"),
    )
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(default=timezone.now)
    changed_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("window")
        verbose_name_plural = _("windows")
        constraints = [
            models.UniqueConstraint(
                fields=["centre", "code"], name="window_code_unique"
            ),
            models.CheckConstraint(
                condition=(
                    models.Q(kind="department", department__isnull=False)
                    | models.Q(kind="comprehensive", department__isnull=True)
                ),
                name="window_department_matches_kind",
            ),
        ]

    def __str__(self) -> str:
        return self.name


class WindowChoice(TenantModel):
    """The window a clerk chose last in a centre, which pages preselect and the API
    uses when a request names no window.

    The code and name are copied when the choice is made, so that the notice about a
    window deleted since can still name it.
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    window = models.ForeignKey(
        Window, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    code = models.CharField(max_length=40)
    name = models.CharField(max_length=40)
    chosen_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("window choice")
        constraints = [
            models.UniqueConstraint(
                fields=["centre", "user"], name="window_choice_one_per_clerk"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user_id}: {self.code}"


class Role(models.TextChoices):
    CLERK = "clerk", _("window clerk")
    REVIEWER = "reviewer", _("department reviewer")
    DEPARTMENT_ADMIN = "department_admin", _("department admin")
    CENTRE_ADMIN = "centre_admin", _("centre admin")
    SUPERVISOR = "supervisor", _("supervisor")
    PLATFORM_ADMIN = "platform_admin", _("platform admin")


class Membership(models.Model):
    """A staff role of a user in a centre, and for reviewers and department admins a department."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="memberships",
        verbose_name=_("user"),
    )
    centre = models.ForeignKey(
        Centre,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        verbose_name=_("centre"),
    )
    department = models.ForeignKey(
        Department,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        verbose_name=_("department"),
    )
    role = models.CharField(max_length=30, choices=Role.choices, verbose_name=_("role"))

    class Meta:
        verbose_name = _("staff role")
        verbose_name_plural = _("staff roles")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "centre", "department", "role"],
                name="membership_unique",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user_id}:{self.role}@{self.centre_id}"


class PasswordChangeRequired(models.Model):
    """A user whose password was set for them, who must choose their own at sign-in."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        primary_key=True,
        related_name="password_change_required",
    )
    created_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"{self.user_id} since {self.created_at:%Y-%m-%d}"


class SessionGeneration(models.Model):
    """The generation of an account's sessions: a session signed in under an earlier one
    is signed out at its next request.

    Deactivating the account and an admin's password reset raise it. An account without
    a row is at generation 0.
    """

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        primary_key=True,
        related_name="session_generation",
    )
    generation = models.PositiveIntegerField(default=0)
    changed_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"{self.user_id} at {self.generation}"


class AuditEvent(models.Model):
    """A record of one state change or one view of a full record: actor, time, object."""

    centre = models.ForeignKey(Centre, on_delete=models.PROTECT, null=True, blank=True)
    at = models.DateTimeField(default=timezone.now, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True
    )
    actor_role = models.CharField(max_length=30)
    verb = models.CharField(max_length=60)
    object_type = models.CharField(max_length=60)
    object_id = models.CharField(max_length=80)
    data = models.JSONField(default=dict, blank=True)

    class Meta:
        verbose_name = _("audit event")
        indexes = [models.Index(fields=["centre", "object_type", "object_id"])]

    def __str__(self) -> str:
        return f"{self.verb} {self.object_type}:{self.object_id}"


class ApiToken(models.Model):
    """A bearer token of a scripted user; only the SHA-256 of the token is stored."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens"
    )
    name = models.CharField(max_length=100)
    digest = models.CharField(max_length=64, unique=True)
    prefix = models.CharField(max_length=8)
    created_at = models.DateTimeField(default=timezone.now)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"{self.prefix}… ({self.name})"

    @staticmethod
    def digest_of(token: str) -> str:
        return hashlib.sha256(token.encode()).hexdigest()

    @classmethod
    def new_token(cls) -> str:
        return "os_" + secrets.token_urlsafe(32)

    @classmethod
    def active_user(cls, token: str) -> Any:
        """Return the active user of an unrevoked token, or None."""
        record = (
            cls.objects.filter(digest=cls.digest_of(token), revoked_at=None)
            .select_related("user")
            .first()
        )
        if record is None or not record.user.is_active:
            return None
        return record.user


# Newest first. Notifications written in one transaction, or in one tick of a coarse
# clock, share created_at, and of those the one written later has the higher id.
NOTIFICATION_ORDERING = ["-created_at", "-id"]


class Notification(TenantModel):
    """An in-app message to a user, for example that a result is ready."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications"
    )
    created_at = models.DateTimeField(default=timezone.now)
    # The registered message (core.notifications) and its parameters, rendered in the
    # reader's language. Both are empty in a notification written before message ids
    # existed, which shows its subject and body as they were written.
    message_id = models.CharField(max_length=80, blank=True)
    params = models.JSONField(default=dict, blank=True)
    subject = models.CharField(max_length=200)
    body = models.TextField(blank=True)
    link = models.CharField(max_length=300, blank=True)
    read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = NOTIFICATION_ORDERING

    def __str__(self) -> str:
        return self.subject


class OutboxStatus(models.TextChoices):
    PENDING = "pending", _("pending")
    DELIVERED = "delivered", _("delivered")
    DEAD = "dead", _("dead letter")


class OutboxMessage(models.Model):
    """Work that leaves a transaction: written with the change, delivered after commit."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    centre = models.ForeignKey(Centre, on_delete=models.PROTECT, null=True, blank=True)
    topic = models.CharField(max_length=80)
    payload = models.JSONField(default=dict)
    status = models.CharField(
        max_length=20, choices=OutboxStatus.choices, default=OutboxStatus.PENDING
    )
    attempts = models.PositiveIntegerField(default=0)
    max_attempts = models.PositiveIntegerField(default=8)
    available_at = models.DateTimeField(default=timezone.now)
    leased_until = models.DateTimeField(null=True, blank=True)
    leased_by = models.CharField(max_length=80, blank=True)
    last_error = models.TextField(blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    delivered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["status", "available_at"])]

    def __str__(self) -> str:
        return f"{self.topic} {self.pk} ({self.status})"


class SigningKey(models.Model):
    """A signing key of a centre (or of the deployment when centre is null).

    The private key is stored encrypted with a key derived from the deployment's secret key;
    `core.signing` is the only module that reads it.
    """

    centre = models.ForeignKey(Centre, on_delete=models.PROTECT, null=True, blank=True)
    algorithm = models.CharField(max_length=20)  # "ed25519" or "sm2"
    key_id = models.CharField(max_length=64, unique=True)
    public_key = models.BinaryField()
    private_key_encrypted = models.BinaryField()
    created_at = models.DateTimeField(default=timezone.now)
    retired_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["centre", "algorithm"])]

    def __str__(self) -> str:
        return f"{self.algorithm} {self.key_id}"
