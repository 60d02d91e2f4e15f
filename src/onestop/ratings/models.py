"""Ratings (好差评) of cases and visits, rating links, and the rectification of bad ratings."""

from __future__ import annotations

import hashlib
import secrets

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from onestop.cases.models import Case
from onestop.catalog.models import Matter
from onestop.core.models import Department, TenantModel, Window
from onestop.identity.models import Person


class Level(models.IntegerChoices):
    """The five national levels; 不满意 and 非常不满意 are bad ratings (差评)."""

    VERY_SATISFIED = 5, _("very satisfied")
    SATISFIED = 4, _("satisfied")
    BASICALLY_SATISFIED = 3, _("basically satisfied")
    DISSATISFIED = 2, _("dissatisfied")
    VERY_DISSATISFIED = 1, _("very dissatisfied")


BAD_LEVELS = {Level.DISSATISFIED, Level.VERY_DISSATISFIED}
MAX_COMMENT_LENGTH = 500


class RatingChannel(models.TextChoices):
    """The channel of a rating: 一事一评 online, 一次一评 on site, or a link sent by SMS."""

    ONLINE = "online", pgettext_lazy("rating channel", "online")
    KIOSK = "kiosk", _("self-service kiosk")
    WINDOW_SCREEN = "window_screen", _("screen at the window")
    QR_CODE = "qr_code", _("QR code on the receipt")
    SMS = "sms", _("link sent by SMS")


class Tag(models.TextChoices):
    """The nationally fixed indicators (评价指标) an applicant may tick."""

    OVERALL = "overall", _("overall satisfaction")
    EFFICIENCY = "efficiency", _("efficiency of handling")
    GUIDE_ACCURACY = "guide_accuracy", _("accuracy of the service guide")
    CONVENIENCE = "convenience", _("convenience of handling")
    USABILITY = "usability", _("ease of use of the platform")
    SERVICE_EFFICIENCY = "service_efficiency", _("efficiency of service")
    SERVICE_LEVEL = "service_level", _("level of service")
    SERVICE_ATTITUDE = "service_attitude", _("attitude of service")


ONLINE_TAGS = (
    Tag.OVERALL,
    Tag.EFFICIENCY,
    Tag.GUIDE_ACCURACY,
    Tag.CONVENIENCE,
    Tag.USABILITY,
)
ON_SITE_TAGS = (
    Tag.OVERALL,
    Tag.SERVICE_EFFICIENCY,
    Tag.SERVICE_LEVEL,
    Tag.SERVICE_ATTITUDE,
)
ON_SITE_CHANNELS = {
    RatingChannel.WINDOW_SCREEN,
    RatingChannel.QR_CODE,
    RatingChannel.KIOSK,
}


def tags_for_channel(channel: str) -> tuple[Tag, ...]:
    """Return the indicator set of a channel: on-site indicators or online ones."""
    return ON_SITE_TAGS if channel in ON_SITE_CHANNELS else ONLINE_TAGS


class PolicyField(models.TextChoices):
    """The fields of a rating policy that a centre admin sets, as messages name them."""

    CHANGE_PERIOD_HOURS = (
        "change_period_hours",
        _("Hours in which a rating can be changed"),
    )
    DEFAULT_RATING_DAYS = (
        "default_rating_days",
        _("Days after the result before an unrated case counts as basically satisfied"),
    )
    RECTIFICATION_WORKING_DAYS = (
        "rectification_working_days",
        _("Working days to rectify a bad rating"),
    )
    APPEAL_DAYS = "appeal_days", _("Days in which a department can appeal a bad rating")
    SCREEN_LINK_MINUTES = (
        "screen_link_minutes",
        _("Minutes a rating screen at the window stays open"),
    )


class RatingPolicy(TenantModel):
    """A centre's rating rules; a centre without a row uses the field defaults."""

    change_period_hours = models.PositiveIntegerField(
        _("hours in which a rating can be changed"), default=24
    )
    default_rating_days = models.PositiveIntegerField(
        _(
            "natural days after the result before an unrated case counts as basically "
            "satisfied"
        ),
        default=7,
    )
    rectification_working_days = models.PositiveIntegerField(
        _("working days to rectify a bad rating"), default=5
    )
    appeal_days = models.PositiveIntegerField(
        _("natural days after a bad rating in which a department can appeal it"),
        default=5,
    )
    screen_link_minutes = models.PositiveIntegerField(
        _("minutes a rating screen at the window stays open"), default=30
    )
    # On, a visit can be recorded only at a window with a rating pad, and the clerk's
    # visit page never shows the visit's screen or QR code link.
    pads_required = models.BooleanField(
        _("visits are rated on rating pads only"), default=False
    )

    class Meta:
        verbose_name = _("rating policy")
        verbose_name_plural = _("rating policies")
        constraints = [
            models.UniqueConstraint(
                fields=["centre"], name="rating_policy_one_per_centre"
            ),
        ]


class Visit(TenantModel):
    """One visit of an applicant at a window, served by a clerk (rated 一次一评)."""

    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="visits")
    clerk = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    # The window's name as it was at the visit; `window_record` is the window.
    window = models.CharField(_("window"), max_length=40, blank=True)
    window_record = models.ForeignKey(
        Window, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    case = models.ForeignKey(
        Case, on_delete=models.PROTECT, null=True, blank=True, related_name="visits"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("visit")
        indexes = [models.Index(fields=["centre", "created_at"])]


def new_token() -> str:
    """Return an unguessable URL-safe token of 128 random bits."""
    return secrets.token_urlsafe(16)


class RatingLink(TenantModel):
    """A link that lets one applicant rate one case or visit without signing in.

    The token is the credential: it is shown on the screen facing the applicant, printed as
    a QR code on the receipt, or sent to the applicant's phone. `issued_by` is the clerk
    who issued it, or None when the platform did.
    """

    token = models.CharField(max_length=40, unique=True, default=new_token)
    channel = models.CharField(max_length=20, choices=RatingChannel.choices)
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="+")
    case = models.ForeignKey(
        Case, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    visit = models.ForeignKey(
        Visit, on_delete=models.PROTECT, null=True, blank=True, related_name="links"
    )
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()

    class Meta:
        verbose_name = _("rating link")

    @property
    def is_expired(self) -> bool:
        return timezone.now() >= self.expires_at


class Rating(TenantModel):
    """One rating of one case (一事一评) or of one visit (一次一评) by its applicant.

    `department`, `matter`, `window` and `clerk` are copied from the case or visit when the
    rating is made, so that statistics group without joins.
    """

    case = models.ForeignKey(
        Case, on_delete=models.PROTECT, null=True, blank=True, related_name="ratings"
    )
    visit = models.ForeignKey(
        Visit, on_delete=models.PROTECT, null=True, blank=True, related_name="ratings"
    )
    person = models.ForeignKey(Person, on_delete=models.PROTECT)
    # The rating link the rating was made with, None for a signed-in or default rating.
    link = models.ForeignKey(
        RatingLink,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="ratings",
    )
    channel = models.CharField(
        max_length=20, choices=RatingChannel.choices, default=RatingChannel.ONLINE
    )
    level = models.PositiveSmallIntegerField(choices=Level.choices)
    tags = models.JSONField(default=list, blank=True)
    comment = models.TextField(blank=True)
    is_default = models.BooleanField(default=False)
    # A supervisor upheld the department's appeal: the rating no longer counts.
    is_excluded = models.BooleanField(default=False)
    department = models.ForeignKey(
        Department, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    matter = models.ForeignKey(
        Matter, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    window = models.CharField(max_length=40, blank=True)
    window_record = models.ForeignKey(
        Window, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    clerk = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("rating")
        constraints = [
            # 好差评 counts one rating per case, whichever channel it was made in.
            models.UniqueConstraint(
                fields=["centre", "case"],
                condition=Q(visit__isnull=True),
                name="rating_once_per_case",
            ),
            models.UniqueConstraint(
                fields=["centre", "visit"],
                condition=Q(visit__isnull=False),
                name="rating_once_per_visit",
            ),
        ]
        indexes = [models.Index(fields=["centre", "created_at"])]

    @property
    def is_bad(self) -> bool:
        return self.level in BAD_LEVELS


class RectificationStatus(models.TextChoices):
    OPEN = "open", pgettext_lazy("rectification status", "open")
    APPEALED = "appealed", _("appeal under review")
    CLOSED = "closed", pgettext_lazy("rectification status", "closed")
    WITHDRAWN = "withdrawn", _("withdrawn: the rating is no longer bad")


class Outcome(models.TextChoices):
    RECTIFIED = "rectified", _("rectified")
    RECTIFY_BY_DATE = "rectify_by_date", _("to be rectified by a set date")
    EXPLAINED = "explained", _("explained: the request has no legal basis")
    APPEAL_UPHELD = "appeal_upheld", _("appeal upheld: the rating does not count")


# Outcomes that resolve a bad rating. They count as rectified, and the applicant may rate
# the fix.
RESOLVED_OUTCOMES = (Outcome.RECTIFIED, Outcome.RECTIFY_BY_DATE, Outcome.EXPLAINED)


class AppealKind(models.TextChoices):
    MISTAKEN = "mistaken", _("rated by mistake")
    MALICIOUS = "malicious", _("malicious rating")


class Rectification(TenantModel):
    """The closed loop of one bad rating (差评整改): call-back, outcome, appeal, follow-up."""

    rating = models.OneToOneField(
        Rating, on_delete=models.PROTECT, related_name="rectification"
    )
    # The department that handled the case (谁办理谁负责). It is null for a visit without a
    # case, because the centre itself is responsible for that rating.
    department = models.ForeignKey(
        Department, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    status = models.CharField(
        max_length=20,
        choices=RectificationStatus.choices,
        default=RectificationStatus.OPEN,
    )
    due_date = models.DateField(_("rectification due date"))
    due_provisional = models.BooleanField(default=False)
    appeal_deadline = models.DateTimeField(_("appeal deadline"))
    callback_at = models.DateTimeField(null=True, blank=True)
    callback_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    callback_note = models.TextField(_("call-back note"), blank=True)
    outcome = models.CharField(max_length=20, choices=Outcome.choices, blank=True)
    outcome_note = models.TextField(_("outcome"), blank=True)
    rectify_by = models.DateField(_("rectify by"), null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    appeal_kind = models.CharField(
        max_length=20, choices=AppealKind.choices, blank=True
    )
    appeal_reason = models.TextField(_("appeal reason"), blank=True)
    appealed_at = models.DateTimeField(null=True, blank=True)
    appeal_decided_at = models.DateTimeField(null=True, blank=True)
    appeal_decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    appeal_upheld = models.BooleanField(null=True, blank=True)
    appeal_decision_note = models.TextField(blank=True)
    fix_level = models.PositiveSmallIntegerField(
        choices=Level.choices, null=True, blank=True
    )
    fix_rated_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("rectification of a bad rating")
        indexes = [models.Index(fields=["centre", "status", "department"])]


# --- rating pads (评价器) -----------------------------------------------------------------

# The cookie that contains a paired pad's secret, and its lifetime in days. Browsers keep a
# cookie for at most 400 days, so a pad is paired again within about a year.
PAD_COOKIE = "onestop_pad"
PAD_COOKIE_DAYS = 365
PAIRING_MINUTES = 10
# Letters and digits without 0, O, 1 and I, which are easily mistaken for each other
# when a clerk copies the code from the pad's screen.
PAIRING_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"
PAIRING_CODE_LENGTH = 8


def digest_of(secret: str) -> str:
    """Return the SHA-256 hex digest under which a pad's secret is stored."""
    return hashlib.sha256(secret.encode()).hexdigest()


def new_pad_secret() -> str:
    """Return a pad's device secret of 256 random bits."""
    return secrets.token_urlsafe(32)


def new_pairing_code() -> str:
    """Return a one-time pairing code of 8 characters (40 random bits)."""
    return "".join(
        secrets.choice(PAIRING_ALPHABET) for _index in range(PAIRING_CODE_LENGTH)
    )


class PadPairing(models.Model):
    """A device that asked to become a rating pad and shows a code until staff pair it.

    It belongs to no centre yet: the clerk or centre admin who enters the code pairs it
    with a window of their own centre. The code is one-time and short-lived, so it is
    stored as shown. The device secret is stored only as its digest.
    """

    code = models.CharField(max_length=PAIRING_CODE_LENGTH, unique=True)
    secret_digest = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField(db_index=True)

    class Meta:
        verbose_name = _("rating pad pairing code")

    def __str__(self) -> str:
        # Not the code, because anyone who reads it could pair the device.
        return f"pairing {self.pk}"

    @property
    def is_expired(self) -> bool:
        return timezone.now() >= self.expires_at


class RatingPad(TenantModel):
    """A rating pad (评价器): a device at a window, turned to the applicant.

    A pad keeps its secret in a cookie and has no staff sign-in. The screen link of a visit
    at a window with a pad can be used only on that pad, so the clerk cannot rate their
    own visit. A window has at most one pad that is not revoked.
    """

    # The window's name as it was at pairing; `window_record` is the window.
    window = models.CharField(_("window"), max_length=40)
    window_record = models.ForeignKey(
        Window, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    secret_digest = models.CharField(max_length=64, unique=True)
    paired_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    paired_at = models.DateTimeField(default=timezone.now)
    last_seen_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        verbose_name = _("rating pad")
        constraints = [
            models.UniqueConstraint(
                fields=["centre", "window_record"],
                condition=Q(revoked_at__isnull=True),
                name="rating_pad_one_per_window",
            ),
        ]
