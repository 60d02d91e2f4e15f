"""Errors of ratings and of the rectification of bad ratings."""

from typing import Any

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext_lazy

from onestop.core.errors import (
    Conflict,
    InvalidInput,
    NotFound,
    PermissionDenied,
    RateLimited,
    list_text,
    shown,
)
from onestop.core.json_input import number_text
from onestop.ratings.models import RatingChannel


class NotYourCase(PermissionDenied):
    code = "rating.not_applicant"
    message = _("Only the applicant of case %(number)s can rate it.")


class NotYourVisit(PermissionDenied):
    code = "rating.not_visitor"
    message = _(
        "Only the applicant served at this visit can rate it. Staff may not rate on an "
        "applicant's behalf. Sign out on this device and hand it to the applicant."
    )


class NotRateableYet(InvalidInput):
    code = "rating.not_rateable"
    message = _(
        "Case %(number)s can be rated once its result is issued; it is %(state)s now."
    )


class AlreadyRated(Conflict):
    code = "rating.already_rated"
    message = _(
        "Case %(number)s was already rated on %(rated_at)s (%(channel)s). A case is "
        "rated once, whichever the channel, so this rating was not recorded."
    )

    def message_values(self) -> dict[str, Any]:
        """Show the channel's translated label where details carry its code."""
        channel = self.details["channel"]
        return {**super().message_values(), "channel": RatingChannel(channel).label}


class VisitAlreadyRated(Conflict):
    code = "rating.visit_already_rated"
    message = _("This visit has already been rated.")


class InvalidLevel(InvalidInput):
    code = "rating.invalid_level"
    message = _(
        "The rating must be a level from 1 (very dissatisfied) to 5 (very satisfied), "
        "not %(level)s."
    )

    def message_values(self) -> dict[str, Any]:
        """Show the level as it was sent, cut to SHOWN_LENGTH characters, where
        details keep the JSON number itself."""
        level = self.details.get("level")
        if not isinstance(level, int | float):
            return super().message_values()
        return {**super().message_values(), "level": shown(number_text(level))}


class LevelNotChosen(InvalidLevel):
    code = "rating.level_missing"
    message = _(
        "No rating level was chosen. Choose a level from 1 (very dissatisfied) to 5 "
        "(very satisfied), then send the rating again."
    )


class CommentTooLong(InvalidInput):
    code = "rating.comment_too_long"
    message = _("The comment has %(length)s characters; the maximum is %(max)s.")


class InvalidTag(InvalidInput):
    code = "rating.invalid_tag"
    message = _(
        "%(tag)s is not an indicator of the %(channel)s channel. Choose from: %(allowed)s."
    )


class InvalidChannel(InvalidInput):
    code = "rating.invalid_channel"
    message = _(
        "%(channel)s is not a channel for this kind of rating. Use %(allowed)s."
    )


class ChangePeriodOver(InvalidInput):
    code = "rating.change_period_over"

    def __init__(self, **details: Any) -> None:
        self.message = ngettext_lazy(
            "The rating can no longer be changed: the %(hours)s hour for changes ended "
            "at %(ended)s.",
            "The rating can no longer be changed: the %(hours)s hours for changes ended "
            "at %(ended)s.",
            details["hours"],
        )
        super().__init__(**details)


class DefaultRatingFixed(InvalidInput):
    code = "rating.default_fixed"
    message = _(
        "Case %(number)s was not rated in time and counts as basically satisfied. That "
        "rating cannot be changed."
    )


class RatingLinkNotFound(NotFound):
    code = "rating.link_not_found"
    message = _("This rating link is not valid. Ask the service centre for a new one.")


# Follows the agency error of a case link used without a session, whose reader may be
# another agent of the enterprise than the one the link was issued to.
LINK_OF_FILER = _(
    "This rating link was issued to the agent who filed the case. Another verified "
    "agent of the enterprise can sign in and rate the case on its page."
)


class RatingLinkExpired(InvalidInput):
    code = "rating.link_expired"
    message = _(
        "This rating link expired at %(expired)s. Ask the service centre for a new one."
    )


class RatingNotFound(NotFound):
    code = "rating.not_found"
    message = _("No rating %(rating)s was found among the ratings you may see.")


class RectificationNotFound(NotFound):
    code = "rectification.not_found"
    message = _(
        "No rectification %(rectification)s was found among those you may work on."
    )


class CallbackRequired(InvalidInput):
    code = "rectification.callback_required"
    message = _(
        "Record the call-back to the applicant before closing rectification "
        "%(rectification)s."
    )


class NoteRequired(InvalidInput):
    code = "rectification.note_required"
    message = _("Describe %(what)s: the text is empty.")


class InvalidOutcome(InvalidInput):
    code = "rectification.invalid_outcome"
    message = _("%(outcome)s is not an outcome. Use one of %(allowed)s.")


class RectifyDateRequired(InvalidInput):
    code = "rectification.rectify_date_required"
    message = _(
        "Give the date by which the fix will be done; it must be today or later."
    )


class RectifyDatePast(InvalidInput):
    code = "rectification.rectify_date_past"
    message = _(
        "The fix date %(rectify_by)s is before today, %(today)s. Give today or a later "
        "date by which the fix will be done."
    )


class RectificationAction(models.TextChoices):
    """An action tried on a rectification: its key for details, its label for messages."""

    CALL_BACK = "call_back", _("called back")
    CLOSE = "close", _("closed")
    APPEAL = "appeal", _("appealed")
    DECIDE = "decide", _("decided")


class RectificationStatusUnknown(InvalidInput):
    code = "rectification.status_unknown"
    message = _(
        "The status %(status)s is not a rectification status. Use one of the codes: "
        "%(statuses)s."
    )


class RectificationNotOpen(Conflict):
    code = "rectification.not_open"
    message = _(
        "Rectification %(rectification)s is %(status)s, so it cannot be %(action)s."
    )


class AppealDeadlinePassed(InvalidInput):
    code = "rectification.appeal_deadline_passed"
    message = _(
        "The appeal deadline of rectification %(rectification)s passed at %(deadline)s. "
        "Rectify or explain instead."
    )


class InvalidAppealKind(InvalidInput):
    code = "rectification.invalid_appeal_kind"
    message = _("%(kind)s is not a reason to appeal. Use one of %(allowed)s.")


class FixNotRateable(Conflict):
    code = "rectification.fix_not_rateable"
    message = _(
        "The fix of rectification %(rectification)s can be rated once, after it is "
        "rectified or explained."
    )


class NoRectificationOfCase(NotFound):
    code = "rectification.none_for_case"
    message = _(
        "Case %(number)s has no bad rating of yours with a rectification, so there is no "
        "fix to rate."
    )


class PeriodReversed(InvalidInput):
    code = "rating.period_reversed"
    message = _(
        "The period starts on %(start)s, after its end on %(end)s. Give a start date on "
        "or before the end date."
    )


class InvalidCentreFilter(InvalidInput):
    code = "rating.invalid_centre"
    message = _(
        "%(value)s is not a service centre whose rating statistics you may read. Use "
        "one of %(allowed)s."
    )


class InvalidPeriod(InvalidInput):
    code = "rating.invalid_period"
    message = _("%(value)s is not a date. Use the form YYYY-MM-DD, such as 2026-12-01.")


class PeriodDateNotADay(InvalidInput):
    code = "rating.date_not_a_day"
    message = _(
        "%(value)s has the form YYYY-MM-DD, but the calendar has no such day. Give a "
        "day that exists."
    )


class InvalidDimension(InvalidInput):
    code = "rating.invalid_dimension"
    message = _(
        "%(value)s is not a grouping of the statistics. Use one of %(allowed)s."
    )


class CaseNotOfVisit(InvalidInput):
    code = "visit.case_mismatch"
    message = _(
        "Case %(number)s belongs to another applicant or centre. Record the visit "
        "without it, or with the applicant's own case."
    )


class RatedSubject(models.TextChoices):
    """The subject a rating link rates: its key for details, its label for messages."""

    VISIT = "visit", _("a visit")
    CASE = "case", _("a case")


class LinkSubjectRequired(InvalidInput):
    code = "rating.link_subject_required"
    message = _("A %(channel)s link needs %(subject)s to rate.")


class VisitNotFound(NotFound):
    code = "visit.not_found"
    message = _("No visit %(visit)s was found at the windows of your centre.")


class PadRequired(PermissionDenied):
    code = "rating.pad_required"
    message = _(
        "This rating screen can be used only on the rating pad of window %(window)s, "
        "so the rating was not recorded. Rate on that pad, or scan the QR code shown "
        "on it with your phone."
    )


class PairingCodeInvalid(InvalidInput):
    code = "rating.pairing_code_invalid"

    def __init__(self, **details: Any) -> None:
        self.message = ngettext_lazy(
            "The pairing code %(code)s is not valid: it is unknown, used or expired "
            "(codes expire after %(minutes)s minute). Open /ratings/pad/ on the pad "
            "again and enter the new code it shows.",
            "The pairing code %(code)s is not valid: it is unknown, used or expired "
            "(codes expire after %(minutes)s minutes). Open /ratings/pad/ on the pad "
            "again and enter the new code it shows.",
            details["minutes"],
        )
        super().__init__(**details)


class PadWindowRequired(InvalidInput):
    code = "rating.pad_window_required"
    message = _(
        "The window of the rating pad is missing. Give the code of the window where "
        "the pad is, one of the centre's active windows: %(windows)s."
    )


class PadCentreNotAllowed(PermissionDenied):
    code = "rating.pad_centre_not_allowed"
    message = _(
        "You cannot pair rating pads in the centre %(centre)s, because you are no "
        "window clerk or centre admin there. Choose one of your centres: %(allowed)s."
    )


class PadWindowTaken(Conflict):
    code = "rating.pad_window_taken"
    message = _(
        "%(window)s already has rating pad %(pad)s, paired at %(paired_at)s. A centre "
        "admin revokes that pad on the Rating pads page before another one is paired "
        "with the window."
    )


class PadNotFound(NotFound):
    code = "rating.pad_not_found"
    message = _("No rating pad %(pad)s was found among the pads of your centre.")


class TooManyPairingsFromAddress(RateLimited):
    code = "rating.too_many_pairings_from_address"

    def counted_message(self, details: dict[str, Any]) -> Any:
        return ngettext_lazy(
            "Too many devices from this address asked for a rating pad pairing code, so "
            "the next one waits %(minutes)s minute. Pair the devices already showing a "
            "code, then reload this page.",
            "Too many devices from this address asked for a rating pad pairing code, so "
            "the next one waits %(minutes)s minutes. Pair the devices already showing a "
            "code, then reload this page.",
            details["minutes"],
        )


class TooManyPairings(RateLimited):
    """Raised with `count`, MAX_OPEN_PAIRINGS (more than one), and `retry_after`."""

    code = "rating.too_many_pairings"

    def counted_message(self, details: dict[str, Any]) -> Any:
        return ngettext_lazy(
            "%(count)s devices are waiting to be paired as rating pads, the maximum. "
            "Wait %(retry_after)s second until their codes expire, then reload this "
            "page.",
            "%(count)s devices are waiting to be paired as rating pads, the maximum. "
            "Wait %(retry_after)s seconds until their codes expire, then reload this "
            "page.",
            details["retry_after"],
        )


class WindowPadMissing(InvalidInput):
    code = "rating.window_pad_missing"
    message = _(
        "Window %(window)s has no rating pad, and this centre rates visits on rating pads "
        "only. Record the visit at a window with a pad (%(windows)s), or ask a clerk or "
        "centre admin to pair a pad with window %(window)s on the rating pads page."
    )

    def message_values(self) -> dict[str, Any]:
        # The details list the windows with a pad. The message joins them, or states
        # that there are none.
        values = super().message_values()
        if not values.get("window"):
            values["window"] = _("(none given)")
        windows = self.details.get("windows") or []
        values["windows"] = (
            list_text(windows) if windows else _("no window has a pad yet")
        )
        return values


class PadRevoked(PermissionDenied):
    code = "rating.pad_revoked"
    message = _(
        "The rating pad of window %(window)s was revoked, and this centre rates visits "
        "on rating pads only, so the rating was not recorded. Pair a new pad with window "
        "%(window)s, or send the applicant the SMS link from the visit's page."
    )


class PolicyValueOutOfRange(InvalidInput):
    code = "rating.policy_value_out_of_range"
    message = _(
        "%(field)s is %(value)s, outside the allowed range of %(min)s to %(max)s. Enter "
        "a whole number in that range."
    )


class PolicyValueInvalid(InvalidInput):
    code = "rating.policy_value_invalid"
    message = _(
        "%(field)s is %(value)s, which is not a whole number. Enter a whole number from "
        "%(min)s to %(max)s."
    )
