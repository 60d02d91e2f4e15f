"""Cases (办件), their history, the materials provided for them and their documents."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from onestop.catalog.models import Matter, MatterVersion
from onestop.core.models import Department, TenantModel, Window
from onestop.identity.models import Enterprise, Person


class CaseState(models.TextChoices):
    DRAFT = "draft", _("draft")
    SUBMITTED = "submitted", _("submitted")
    CORRECTION_REQUESTED = "correction_requested", _("correction requested")
    NOT_ACCEPTED = "not_accepted", _("not accepted")
    ACCEPTED = "accepted", _("accepted")
    IN_REVIEW = "in_review", _("in review")
    SUSPENDED = "suspended", _("suspended for a special procedure")
    APPROVED = "approved", _("approved")
    DENIED = "denied", _("denied")
    RESULT_ISSUED = "result_issued", _("result issued")
    CLOSED = "closed", _("closed")
    WITHDRAWN = "withdrawn", _("withdrawn")


OPEN_STATES = {
    CaseState.SUBMITTED,
    CaseState.CORRECTION_REQUESTED,
    CaseState.ACCEPTED,
    CaseState.IN_REVIEW,
    CaseState.SUSPENDED,
    CaseState.APPROVED,
    CaseState.DENIED,
}


class Channel(models.TextChoices):
    ONLINE = "online", _("online application")
    WINDOW = "window", _("at the window")
    KIOSK = "kiosk", _("self-service kiosk")


# The maximum length of a case number field. A number longer than this names no case.
CASE_NUMBER_MAX_LENGTH = 32
# The digits of a case number: a 6-digit region code, the date as YYMMDD and a 5-digit
# daily sequence. NOTE: a centre's 100,000th case of a day would get 18 digits.
CASE_NUMBER_DIGITS = 17


class Case(TenantModel):
    """One application for one matter by one applicant."""

    number = models.CharField(_("case number"), max_length=CASE_NUMBER_MAX_LENGTH)
    matter = models.ForeignKey(Matter, on_delete=models.PROTECT)
    matter_version = models.ForeignKey(MatterVersion, on_delete=models.PROTECT)
    department = models.ForeignKey(Department, on_delete=models.PROTECT)
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="cases")
    enterprise = models.ForeignKey(
        Enterprise,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="cases",
    )
    channel = models.CharField(max_length=10, choices=Channel.choices)
    state = models.CharField(
        max_length=30, choices=CaseState.choices, default=CaseState.DRAFT
    )
    form_data = models.JSONField(default=dict, blank=True)
    idempotency_key = models.CharField(max_length=80, null=True, blank=True)
    # SHA-256 of the application that the key first came with (cases.idempotency).
    idempotency_digest = models.CharField(max_length=64, blank=True, default="")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    submitted_at = models.DateTimeField(null=True, blank=True)
    accepted_at = models.DateTimeField(null=True, blank=True)
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    # The name of the window as it was at acceptance; `window_record` is the window.
    window = models.CharField(_("window"), max_length=40, blank=True)
    window_record = models.ForeignKey(
        Window, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    opinion = models.TextField(_("opinion"), blank=True)
    refusal_reason = models.TextField(_("reason for not accepting"), blank=True)
    correction_items = models.JSONField(default=list, blank=True)
    result_issued_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    promised_due = models.DateField(_("promised due date"), null=True, blank=True)
    statutory_due = models.DateField(_("statutory due date"), null=True, blank=True)
    deadline_provisional = models.BooleanField(default=False)
    revision = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("case")
        constraints = [
            models.UniqueConstraint(
                fields=["centre", "number"], name="case_number_unique"
            ),
            # A key belongs to the account and channel that sent it (the applicant
            # online, a clerk at the window), so it never finds another sender's case.
            # NOTE: the constraint includes the centre, as every tenant constraint
            # does, so it cannot stop one key in two centres. The key's named lock
            # and lookup in cases.idempotency cover every centre and stop that.
            models.UniqueConstraint(
                fields=["centre", "person", "created_by", "channel", "idempotency_key"],
                name="case_idempotency_key_per_sender",
            ),
        ]
        indexes = [
            models.Index(fields=["centre", "state", "department"]),
            models.Index(fields=["centre", "person", "created_at"]),
        ]

    def __str__(self) -> str:
        return self.number

    @property
    def is_open(self) -> bool:
        return self.state in OPEN_STATES


class CaseEvent(TenantModel):
    """One transition of a case: who, when, from which state to which, and why."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="events")
    at = models.DateTimeField(default=timezone.now)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True
    )
    actor_role = models.CharField(max_length=30)
    action = models.CharField(max_length=40)
    from_state = models.CharField(max_length=30, blank=True)
    to_state = models.CharField(max_length=30)
    reason = models.TextField(blank=True)
    data = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["at", "pk"]


class SubmissionKind(models.TextChoices):
    UPLOAD = "upload", _("uploaded file")
    PAPER = "paper", _("paper checked at the window")
    CERTIFICATE = "certificate", _("electronic certificate")


class Submission(TenantModel):
    """A material actually provided for a case."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="submissions")
    material_key = models.CharField(max_length=80)
    kind = models.CharField(max_length=20, choices=SubmissionKind.choices)
    file = models.FileField(upload_to="submissions/%Y/%m/", blank=True)
    original_name = models.CharField(max_length=255, blank=True)
    content_type = models.CharField(max_length=100, blank=True)
    size = models.PositiveBigIntegerField(default=0)
    sha256 = models.CharField(max_length=64, blank=True)
    original_seen = models.BooleanField(default=False)
    copy_taken = models.BooleanField(default=False)
    certificate_identifier = models.CharField(max_length=120, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    superseded = models.BooleanField(default=False)

    class Meta:
        indexes = [models.Index(fields=["centre", "case", "material_key"])]


class CasePause(TenantModel):
    """A stop of the clock: a correction request or a special procedure."""

    class Kind(models.TextChoices):
        CORRECTION = "correction", _("correction")
        SPECIAL_PROCEDURE = "special_procedure", _("special procedure")

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="pauses")
    kind = models.CharField(max_length=30, choices=Kind.choices)
    procedure = models.CharField(max_length=30, blank=True)
    reason = models.TextField(blank=True)
    started_at = models.DateTimeField()
    ended_at = models.DateTimeField(null=True, blank=True)


class CaseDocument(TenantModel):
    """A document OneStop issued for a case: receipt, notice, or result, with its signature."""

    class Kind(models.TextChoices):
        ACCEPTANCE_RECEIPT = "acceptance_receipt", _("acceptance receipt")
        REFUSAL_NOTICE = "refusal_notice", _("notice of not accepting")
        CORRECTION_NOTICE = "correction_notice", _("correction notice")
        RESULT = "result", _("result document")

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="documents")
    kind = models.CharField(max_length=30, choices=Kind.choices)
    data = models.JSONField()
    signature = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_at", "pk"]


class CaseCounter(TenantModel):
    """The last case number used per centre and day, for gap-free daily numbering."""

    day = models.DateField()
    last = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["centre", "day"], name="case_counter_unique"
            ),
        ]


class CaseExtension(TenantModel):
    """A request to extend a case's time limit (延期) by working days, and its decision.

    Only an approved extension moves the due dates.
    """

    class Status(models.TextChoices):
        REQUESTED = "requested", _("requested")
        APPROVED = "approved", _("approved")
        REJECTED = "rejected", _("rejected")

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="extensions")
    working_days = models.PositiveSmallIntegerField(_("working days"))
    reason = models.TextField(_("reason"))
    status = models.CharField(
        max_length=20, choices=Status.choices, default=Status.REQUESTED
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    requested_at = models.DateTimeField(default=timezone.now)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_note = models.TextField(_("decision note"), blank=True)

    class Meta:
        verbose_name = _("case extension")
        ordering = ["requested_at", "pk"]
        indexes = [models.Index(fields=["centre", "status", "requested_at"])]


class HeldUpload(TenantModel):
    """A file that passed the upload checks in a form that came back with an error.

    The next POST of the same form names it by `token` instead of sending the file
    again. Only its owner may use it, in the same centre, for the same matter and, for
    a resubmission, the same case, until `expires_at`. Using it for a case sets
    `used_at` and `used_for`, and removing or replacing it sets `removed_at`. Either
    deletes the file at once, and the expiry clean-up deletes the row later, so that a
    form sent twice finds what became of its files (cases.held_uploads).
    """

    token = models.CharField(max_length=64)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    matter = models.ForeignKey(Matter, on_delete=models.CASCADE, related_name="+")
    # The case whose correction form held the file; None for a new application.
    case = models.ForeignKey(
        Case, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    # SHA-256 of the kiosk session that held the file, so that it ends with that
    # session; blank outside a kiosk.
    session_digest = models.CharField(max_length=64, blank=True)
    material_key = models.CharField(max_length=80)
    file = models.FileField(upload_to="submissions/%Y/%m/", blank=True)
    original_name = models.CharField(max_length=255)
    content_type = models.CharField(max_length=100)
    size = models.PositiveBigIntegerField()
    sha256 = models.CharField(max_length=64)
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    used_at = models.DateTimeField(null=True, blank=True)
    used_for = models.ForeignKey(
        Case, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    removed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["centre", "token"], name="held_upload_token_unique"
            ),
        ]
        indexes = [
            models.Index(fields=["centre", "owner", "matter"]),
            models.Index(fields=["centre", "expires_at"]),
        ]
