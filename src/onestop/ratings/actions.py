"""Every state change of ratings, visits and rating links, one function each.

Only the applicant rates: online as the signed-in applicant of the case, on site and by
SMS through a rating link bound to the applicant. Every verified agent of an
enterprise acts as the applicant of the enterprise's cases (`cases.applicants`). A
case is rated once, whichever the channel, and a visit once. A rating can be changed
within the centre's change period. A bad rating opens its rectification in the same
transaction.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy

from onestop.cases.applicants import (
    applicant_error,
    applicant_user_ids,
    check_acts_as_applicant,
)
from onestop.cases.models import Case, CaseState
from onestop.core.audit import record_event
from onestop.core.errors import OneStopError, echoed
from onestop.core.logging import get_logger
from onestop.core.models import Centre, Role
from onestop.core.notifications import (
    NotificationMessage,
    notify,
    register_message,
)
from onestop.core.permissions import require_role
from onestop.core.window_choice import find_requested_window, store_window_choice
from onestop.core.windows import window_label
from onestop.identity.agency import AgencyNotVerified, AgencyRevoked
from onestop.identity.models import Person
from onestop.ratings import rectifications
from onestop.ratings.errors import (
    LINK_OF_FILER,
    AlreadyRated,
    CaseNotOfVisit,
    ChangePeriodOver,
    CommentTooLong,
    DefaultRatingFixed,
    InvalidChannel,
    InvalidLevel,
    InvalidTag,
    LinkSubjectRequired,
    NotRateableYet,
    NotYourCase,
    NotYourVisit,
    PadRequired,
    PadRevoked,
    RatedSubject,
    RatingLinkExpired,
    RatingLinkNotFound,
    VisitAlreadyRated,
    WindowPadMissing,
)
from onestop.ratings.models import (
    MAX_COMMENT_LENGTH,
    Level,
    Rating,
    RatingChannel,
    RatingLink,
    RatingPad,
    Visit,
    tags_for_channel,
)
from onestop.ratings.queries import (
    check_rater,
    get_case_rating,
    get_policy,
    get_rating_link,
    get_rating_of,
    get_window_pad,
    padded_windows,
)

log = get_logger(__name__)

APPLICANT = "applicant"
SYSTEM = "system"
RATEABLE_STATES = {CaseState.RESULT_ISSUED, CaseState.CLOSED, CaseState.NOT_ACCEPTED}
SIGNED_IN_CHANNELS = (RatingChannel.ONLINE, RatingChannel.KIOSK)
LINK_CHANNELS = (RatingChannel.WINDOW_SCREEN, RatingChannel.QR_CODE, RatingChannel.SMS)
DEFAULT_BATCH = 500
RATING_LINK_SENT = register_message(
    "rating.link_sent",
    NotificationMessage(
        gettext_lazy("Please rate our service"),
        gettext_lazy("Rate the service through this link before %(date)s."),
        datetimes=("date",),
    ),
)

__all__ = [
    "AlreadyRated",
    "CommentTooLong",
    "InvalidLevel",
    "NotRateableYet",
    "NotYourCase",
    "change_rating",
    "issue_rating_link",
    "rate_by_link",
    "rate_case",
    "rate_or_change_online",
    "record_default_ratings",
    "record_visit",
]


# --- rating ------------------------------------------------------------------------------


def rate_case(
    *,
    actor: Any,
    case: Case,
    level: int,
    comment: str = "",
    tags: Iterable[str] = (),
    channel: str = RatingChannel.ONLINE,
) -> Rating:
    """Record the signed-in applicant's rating of a case, online or at a kiosk.

    Whoever acts as the applicant of the case may rate it (see `cases.applicants`).
    The comment is stored as given and rendered escaped.
    """
    check_acts_as_applicant(actor, case, NotYourCase(number=case.number))
    if channel not in SIGNED_IN_CHANNELS:
        raise InvalidChannel(channel=echoed(channel), allowed=list(SIGNED_IN_CHANNELS))
    _check_rateable(case)
    clean_tags = check_content(level, tags, comment, channel)
    return _create_case_rating(
        actor=actor,
        case=case,
        channel=channel,
        level=level,
        tags=clean_tags,
        comment=comment,
    )


def rate_by_link(
    *,
    actor: Any,
    token: str,
    level: int,
    comment: str = "",
    tags: Iterable[str] = (),
    pad: RatingPad | None = None,
) -> Rating:
    """Record a rating through a rating link: the screen, the QR code or the SMS link.

    The link is the credential. A signed-in user who is not the link's applicant, such as
    the clerk, is rejected, so that staff cannot rate on an applicant's behalf. `pad` is
    the rating pad the request came from, if any: the screen link of a visit at a window
    with a pad is accepted only from that pad.
    """
    link = get_rating_link(token)
    _check_link(actor, link, pad)
    clean_tags = check_content(level, tags, comment, link.channel)
    if link.visit is not None:
        return _create_visit_rating(
            actor=actor,
            link=link,
            visit=link.visit,
            level=level,
            tags=clean_tags,
            comment=comment,
            pad=pad,
        )
    if link.case is None:
        raise RatingLinkNotFound()
    _check_rateable(link.case)
    return _create_case_rating(
        actor=actor,
        case=link.case,
        channel=link.channel,
        level=level,
        tags=clean_tags,
        comment=comment,
        link=link,
    )


def change_rating(
    *,
    actor: Any,
    rating: Rating,
    level: int,
    comment: str = "",
    tags: Iterable[str] = (),
    token: str | None = None,
    pad: RatingPad | None = None,
) -> Rating:
    """Change a rating within the centre's change period.

    The signed-in applicant changes the rating (see `rater_error`). On a device without
    a session, the rating link that the rating was made with is accepted in place of a
    sign-in, from the window's rating pad when the link is a screen link of a window
    with a pad. A bad rating that becomes good withdraws its open rectification, and a
    good one that becomes bad opens one.
    """
    if token:
        _check_link_of(actor, get_rating_link(token), rating, pad)
    else:
        check_rater(actor, rating)
    if rating.is_default:
        raise DefaultRatingFixed(number=rating.case.number if rating.case else "")
    _check_change_period(rating)
    clean_tags = check_content(level, tags, comment, rating.channel)

    with transaction.atomic():
        rating = Rating.objects.select_for_update().get(pk=rating.pk)
        was_bad = rating.is_bad
        previous = rating.level
        rating.level = level
        rating.tags = clean_tags
        rating.comment = comment
        rating.updated_at = timezone.now()
        rating.save(update_fields=["level", "tags", "comment", "updated_at"])
        _audit(actor, rating, "rating.changed", {"level": level, "previous": previous})
        if was_bad and not rating.is_bad:
            rectifications.withdraw_for(rating)
        elif rating.is_bad and not was_bad:
            rectifications.open_for(rating)
    log.info(
        "rating.changed", rating_id=rating.pk, centre_id=rating.centre_id, level=level
    )
    return rating


def rate_or_change_online(
    *,
    actor: Any,
    case: Case,
    level: int,
    comment: str = "",
    tags: Iterable[str] = (),
    channel: str = RatingChannel.ONLINE,
    changing: bool = False,
) -> Rating:
    """Rate the case online or at a kiosk or, `changing`, change the rating made there.

    Without `changing`, an existing rating is not replaced: a second form sent from
    another tab or after a reload raises AlreadyRated, as the API does. A rating made in
    another channel is never changed here.
    """
    existing = get_rating_of(case, channel)
    if existing is None or not changing:
        return rate_case(
            actor=actor,
            case=case,
            level=level,
            comment=comment,
            tags=tags,
            channel=channel,
        )
    return change_rating(
        actor=actor, rating=existing, level=level, comment=comment, tags=tags
    )


def check_content(
    level: int, tags: Iterable[str], comment: str, channel: str
) -> list[str]:
    """Check the level, tags and comment of a rating and return the tags, deduplicated."""
    if level not in Level.values:
        raise InvalidLevel(level=level)
    if len(comment) > MAX_COMMENT_LENGTH:
        raise CommentTooLong(length=len(comment), max=MAX_COMMENT_LENGTH)
    allowed = tags_for_channel(channel)
    clean: list[str] = []
    for tag in tags:
        if tag not in allowed:
            raise InvalidTag(
                tag=echoed(tag),
                channel=RatingChannel(channel),
                allowed=list(allowed),
            )
        if tag not in clean:
            clean.append(tag)
    return clean


def record_default_ratings(
    *, now: dt.datetime | None = None, limit: int = DEFAULT_BATCH
) -> int:
    """Rate 基本满意 every case whose result is older than the rating period and unrated.

    The rating is marked default and cannot be changed. Running it twice rates each case
    once: a case with any rating is skipped, and the unique constraint stops a concurrent
    run. Return how many cases were rated.
    """
    now = now or timezone.now()
    created = 0
    for centre in Centre.objects.order_by("pk"):
        if created >= limit:
            break
        created += _default_ratings_of(centre, now, limit - created)
    return created


def _default_ratings_of(centre: Centre, now: dt.datetime, limit: int) -> int:
    cutoff = now - dt.timedelta(days=get_policy(centre).default_rating_days)
    cases = (
        Case.objects.for_centre(centre)
        .filter(result_issued_at__lte=cutoff, ratings__isnull=True)
        .select_related("centre", "department", "matter", "person")
        .order_by("result_issued_at")[:limit]
    )
    created = 0
    for case in cases:
        try:
            with transaction.atomic():
                rating = Rating.objects.create(
                    **_snapshot_of_case(case),
                    channel=RatingChannel.ONLINE,
                    level=Level.BASICALLY_SATISFIED,
                    is_default=True,
                    created_at=now,
                    updated_at=now,
                )
                _audit(None, rating, "case.rated_by_default", {"level": rating.level})
        except IntegrityError:
            continue
        created += 1
        log.info("case.rated_by_default", case_id=case.pk, centre_id=centre.pk)
    return created


# --- visits and links --------------------------------------------------------------------


def record_visit(
    *,
    actor: Any,
    centre: Centre,
    person: Person,
    window: str | None = "",
    case: Case | None = None,
) -> Visit:
    """Record that a clerk served an applicant at a window, for a case when there is one.

    `window` is the code of an active window of the centre, or empty for none. None
    uses the clerk's last window, and a code given becomes the clerk's last window.
    """
    require_role(actor, (Role.CLERK,), centre=centre)
    if case is not None and (
        case.centre_id != centre.pk or case.person_id != person.pk
    ):
        raise CaseNotOfVisit(number=case.number)
    found_window = find_requested_window(actor, centre, window)
    if get_policy(centre).pads_required and (
        found_window is None or get_window_pad(centre, found_window.pk) is None
    ):
        raise WindowPadMissing(
            window=found_window.code if found_window else "",
            windows=padded_windows(centre),
        )
    with transaction.atomic():
        visit = Visit.objects.create(
            centre=centre,
            person=person,
            clerk=actor,
            window=window_label(found_window),
            window_record=found_window,
            case=case,
        )
        record_event(
            actor=actor,
            actor_role=Role.CLERK,
            verb="visit.recorded",
            object_type="visit",
            object_id=visit.pk,
            centre=centre,
            data={"case": case.number if case else None},
        )
        if window is not None:
            store_window_choice(actor, centre, found_window)
    log.info("visit.recorded", visit_id=visit.pk, centre_id=centre.pk)
    return visit


def issue_rating_link(
    *,
    actor: Any | None,
    channel: str,
    visit: Visit | None = None,
    case: Case | None = None,
) -> RatingLink:
    """Issue a link for the applicant to rate a visit or a case.

    A screen link is for a visit and stays open for the policy's screen minutes. A QR code
    or SMS link stays open for the policy's rating days. `actor` is the clerk, or None
    when the platform sends an SMS link itself. An SMS link, and any link for a case
    without a visit, is put in the applicant's messages, because the applicant is not at
    the window to see a screen or take a receipt.
    """
    if channel not in LINK_CHANNELS:
        raise InvalidChannel(channel=echoed(channel), allowed=list(LINK_CHANNELS))
    subject = visit if visit is not None else case
    if subject is None or (channel == RatingChannel.WINDOW_SCREEN and visit is None):
        raise LinkSubjectRequired(
            channel=RatingChannel(channel),
            subject=RatedSubject.VISIT
            if channel == RatingChannel.WINDOW_SCREEN
            else RatedSubject.CASE,
        )
    centre = subject.centre
    if actor is not None:
        require_role(actor, (Role.CLERK,), centre=centre)
    policy = get_policy(centre)
    if channel == RatingChannel.WINDOW_SCREEN:
        lifetime = dt.timedelta(minutes=policy.screen_link_minutes)
    else:
        lifetime = dt.timedelta(days=policy.default_rating_days)

    with transaction.atomic():
        link = RatingLink.objects.create(
            centre=centre,
            channel=channel,
            person=subject.person,
            case=case if visit is None else visit.case,
            visit=visit,
            issued_by=actor,
            expires_at=timezone.now() + lifetime,
        )
        record_event(
            actor=actor,
            actor_role=Role.CLERK if actor is not None else SYSTEM,
            verb="rating_link.issued",
            object_type="rating_link",
            object_id=link.pk,
            centre=centre,
            data={"channel": channel, "visit": link.visit_id, "case": link.case_id},
        )
        if channel == RatingChannel.SMS or visit is None:
            _notify_link(link)
    log.info(
        "rating_link.issued", link_id=link.pk, centre_id=centre.pk, channel=channel
    )
    return link


def _notify_link(link: RatingLink) -> None:
    """Send the link of a visit to the visitor, and that of a case to each user who
    acts as the applicant of the case (`applicant_user_ids`)."""
    # NOTE: no SMS gateway is integrated yet. The short link reaches the applicant as an
    # in-app message, and an operator's SMS sender can read the same RatingLink rows.
    if link.visit is None and link.case is not None:
        user_ids = applicant_user_ids(link.case)
    else:
        user_ids = [link.person.user_id]
    for user_id in user_ids:
        notify(
            centre=link.centre,
            user_id=user_id,
            message_id=RATING_LINK_SENT,
            link=f"/r/{link.token}",
            date=link.expires_at.isoformat(),
        )


# --- shared steps ------------------------------------------------------------------------


def _check_rateable(case: Case) -> None:
    if case.state not in RATEABLE_STATES:
        raise NotRateableYet(number=case.number, state=CaseState(case.state))


def _check_link(actor: Any, link: RatingLink, pad: RatingPad | None) -> None:
    if link.is_expired:
        raise RatingLinkExpired(expired=link.expires_at)
    error = link_rater_error(actor, link)
    if error is not None:
        raise error
    check_rating_pad(link, pad)


def link_rater_error(actor: Any, link: RatingLink) -> OneStopError | None:
    """Return None when the link's user may rate through it now, else the error that
    explains why not.

    A visit link, and a case link of a person's own case, belong to the link's person.
    A signed-in user must be that person (NotYourVisit), and without a session the
    token is the credential. A visit link rates the visit that the person had, so a
    later revocation of their agency does not close it. A case link of an enterprise's
    case needs the signed-in user, or without a session the person the link was issued
    to, to act as the applicant of the case now (see `cases.applicants`). So a revoked
    agent gets AgencyRevoked through the link, as when signed in.
    """
    signed_in = getattr(actor, "is_authenticated", False)
    case = link.case
    if link.visit is not None or case is None or case.enterprise_id is None:
        if signed_in and actor.pk != link.person.user_id:
            return NotYourVisit()
        return None
    if signed_in:
        return applicant_error(actor, case, NotYourVisit())
    error = applicant_error(link.person.user, case, NotYourCase(number=case.number))
    if isinstance(error, AgencyNotVerified | AgencyRevoked):
        error.message = format_lazy("{} {}", error.message, LINK_OF_FILER)
    return error


def check_rating_pad(link: RatingLink, pad: RatingPad | None) -> None:
    """Raise PadRequired when a screen link of a window with a pad comes from elsewhere.

    The pad is looked up when the rating is made, so a screen link issued before the
    window got its pad needs the pad too. One of a window whose pad was revoked works
    anywhere again, unless the centre's policy rates visits on pads only (PadRevoked).
    """
    if link.channel != RatingChannel.WINDOW_SCREEN or link.visit is None:
        return
    window_pad = get_window_pad(link.centre_id, link.visit.window_record_id)
    if window_pad is None:
        if get_policy(link.centre).pads_required:
            raise PadRevoked(window=_window_code(link.visit))
        return
    if pad is not None and pad.pk == window_pad.pk:
        return
    raise PadRequired(window=_window_code(link.visit))


def _window_code(visit: Visit) -> str:
    window = visit.window_record
    return window.code if window is not None else visit.window


def _check_link_of(
    actor: Any, link: RatingLink, rating: Rating, pad: RatingPad | None
) -> None:
    _check_link(actor, link, pad)
    same_subject = (
        link.visit_id == rating.visit_id
        if rating.visit_id
        else link.case_id == rating.case_id and link.channel == rating.channel
    )
    if not same_subject:
        raise _not_yours(rating)


def _not_yours(rating: Rating) -> Exception:
    if rating.case is not None and rating.visit_id is None:
        return NotYourCase(number=rating.case.number)
    return NotYourVisit()


def _check_change_period(rating: Rating) -> None:
    hours = get_policy(rating.centre).change_period_hours
    ends = rating.created_at + dt.timedelta(hours=hours)
    if timezone.now() > ends:
        raise ChangePeriodOver(hours=hours, ended=ends)


def _create_case_rating(
    *,
    actor: Any,
    case: Case,
    channel: str,
    level: int,
    tags: list[str],
    comment: str,
    link: RatingLink | None = None,
) -> Rating:
    """Record the case's one rating, or raise AlreadyRated when it has one already.

    The check before the insert names the earlier rating in the error. The unique
    constraint rating_once_per_case stops a second rating made at the same moment.
    """
    _check_not_rated(case)
    try:
        with transaction.atomic():
            rating = Rating.objects.create(
                **_snapshot_of_case(case),
                channel=channel,
                level=level,
                tags=tags,
                comment=comment,
                link=link,
            )
            _audit(
                actor,
                rating,
                "case.rated",
                {"level": level, "channel": channel, **_link_data(link)},
            )
            if rating.is_bad:
                rectifications.open_for(rating)
    except IntegrityError:
        _check_not_rated(case)
        raise
    log.info(
        "case.rated",
        case_id=case.pk,
        centre_id=case.centre_id,
        level=level,
        channel=channel,
    )
    return rating


def _check_not_rated(case: Case) -> None:
    """Raise AlreadyRated, naming the earlier rating's time and channel, if there is one."""
    earlier = get_case_rating(case)
    if earlier is None:
        return
    raise AlreadyRated(
        number=case.number,
        rated_at=earlier.created_at,
        channel=earlier.channel,
    )


def _create_visit_rating(
    *,
    actor: Any,
    link: RatingLink,
    visit: Visit,
    level: int,
    tags: list[str],
    comment: str,
    pad: RatingPad | None = None,
) -> Rating:
    try:
        with transaction.atomic():
            rating = Rating.objects.create(
                **_snapshot_of_visit(visit),
                channel=link.channel,
                level=level,
                tags=tags,
                comment=comment,
                link=link,
            )
            _audit(
                actor,
                rating,
                "visit.rated",
                {
                    "level": level,
                    "channel": link.channel,
                    "pad": pad.pk if pad is not None else None,
                    **_link_data(link),
                },
            )
            if rating.is_bad:
                rectifications.open_for(rating)
    except IntegrityError:
        raise VisitAlreadyRated() from None
    log.info(
        "visit.rated",
        visit_id=visit.pk,
        centre_id=visit.centre_id,
        level=level,
        channel=link.channel,
    )
    return rating


def _link_data(link: RatingLink | None) -> dict[str, Any]:
    if link is None:
        return {}
    return {"link": link.pk, "link_issued_by": link.issued_by_id}


def _snapshot_of_case(case: Case) -> dict[str, Any]:
    return {
        "centre": case.centre,
        "case": case,
        "person": case.person,
        "department": case.department,
        "matter": case.matter,
        "window": case.window,
        "window_record_id": case.window_record_id,
        "clerk_id": case.accepted_by_id,
    }


def _snapshot_of_visit(visit: Visit) -> dict[str, Any]:
    case = visit.case
    return {
        "centre": visit.centre,
        "case": case,
        "visit": visit,
        "person": visit.person,
        "department": case.department if case else None,
        "matter": case.matter if case else None,
        "window": visit.window,
        "window_record_id": visit.window_record_id,
        "clerk_id": visit.clerk_id,
    }


def _audit(actor: Any, rating: Rating, verb: str, data: dict[str, Any]) -> None:
    record_event(
        actor=actor,
        actor_role=SYSTEM if rating.is_default else APPLICANT,
        verb=verb,
        object_type="rating",
        object_id=rating.pk,
        centre=rating.centre,
        data={
            **data,
            "case": rating.case.number if rating.case is not None else None,
            "visit": rating.visit_id,
        },
    )
