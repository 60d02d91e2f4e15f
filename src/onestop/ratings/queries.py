"""Reads of ratings, rating links and rectifications, scoped by centre and caller."""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet
from django.http import HttpRequest
from django.utils import timezone

from onestop.cases.applicants import (
    acts_as_applicant,
    applicant_error,
    check_acts_as_applicant,
)
from onestop.cases.models import Case
from onestop.cases.queries import get_case_for
from onestop.core.errors import OneStopError, echoed, listed
from onestop.core.models import Centre, Role
from onestop.core.permissions import (
    CentreScope,
    RoleRequired,
    centres_of,
    staff_roles,
)
from onestop.identity.agency import AgencyNotVerified, AgencyRevoked
from onestop.identity.codes import parse_resident_id
from onestop.identity.lookup import find_person_by_id_number
from onestop.identity.models import Person
from onestop.ratings.errors import (
    CaseNotOfVisit,
    FixNotRateable,
    NoRectificationOfCase,
    NotYourCase,
    NotYourVisit,
    PadCentreNotAllowed,
    PadNotFound,
    RatingLinkNotFound,
    RatingNotFound,
    RectificationNotFound,
    VisitNotFound,
)
from onestop.ratings.models import (
    PAD_COOKIE,
    RESOLVED_OUTCOMES,
    PadPairing,
    Rating,
    RatingChannel,
    RatingLink,
    RatingPad,
    RatingPolicy,
    Rectification,
    Visit,
    digest_of,
)

CENTRE_WIDE_ROLES = {Role.SUPERVISOR, Role.CENTRE_ADMIN}
DEPARTMENT_ROLES = {Role.REVIEWER, Role.DEPARTMENT_ADMIN}
STATISTICS_ROLES = {Role.SUPERVISOR, Role.CENTRE_ADMIN, Role.PLATFORM_ADMIN}
PAIRING_ROLES = (Role.CLERK, Role.CENTRE_ADMIN)


def get_policy(centre: Centre) -> RatingPolicy:
    """Return the centre's rating policy, or an unsaved one with the default values."""
    policy = RatingPolicy.objects.for_centre(centre).first()
    return policy or RatingPolicy(centre=centre)


def get_rating_link(token: str) -> RatingLink:
    """Return the rating link with `token`, or raise RatingLinkNotFound."""
    link = (
        RatingLink.objects.select_related(
            "centre", "person__user", "case", "visit", "visit__case"
        )
        .filter(token=token.strip()[:40])
        .first()
    )
    if link is None:
        raise RatingLinkNotFound()
    return link


def get_rating_of(case: Case, channel: str = RatingChannel.ONLINE) -> Rating | None:
    """Return the rating of `case` in `channel`, made outside a visit, if any."""
    return (
        Rating.objects.for_centre(case.centre)
        .filter(case=case, channel=channel, visit__isnull=True)
        .select_related("rectification")
        .first()
    )


def get_case_rating(case: Case) -> Rating | None:
    """Return the rating of `case` made outside a visit, in whichever channel, if any."""
    return (
        Rating.objects.for_centre(case.centre)
        .filter(case=case, visit__isnull=True)
        .select_related("rectification")
        .first()
    )


def is_case_rated(case: Case) -> bool:
    """Return whether the case has any rating, in any channel or visit."""
    return Rating.objects.for_centre(case.centre).filter(case=case).exists()


def get_own_rating(user: Any, rating_id: int) -> Rating:
    """Return the rating with `rating_id` if the user may change it (`rater_error`),
    else raise RatingNotFound.

    As when opening a case, the filer of an enterprise's case who is no longer its
    verified agent gets the agency error that explains why instead.
    """
    if not user.is_authenticated:
        raise RatingNotFound(rating=rating_id)
    rating = (
        Rating.objects.select_related(
            "centre", "case", "case__person", "visit", "person"
        )
        .filter(pk=rating_id)
        .first()
    )
    if rating is None:
        raise RatingNotFound(rating=rating_id)
    error = rater_error(user, rating)
    if error is None:
        return rating
    filer = rating.case is not None and rating.case.person.user_id == user.pk
    if filer and isinstance(error, AgencyNotVerified | AgencyRevoked):
        raise error
    raise RatingNotFound(rating=rating_id)


def rater_error(user: Any, rating: Rating) -> OneStopError | None:
    """Return None when the user may change the rating and rate how its rectification
    was resolved, else the error that explains why not.

    A case's rating is the applicant's, so whoever acts as the applicant of the case
    may (see `cases.applicants`), and anyone else gets NotYourCase or an agency error.
    A visit's rating is the visitor's own, and anyone else gets NotYourVisit.
    """
    if rating.case is not None and rating.visit_id is None:
        return applicant_error(
            user, rating.case, NotYourCase(number=rating.case.number)
        )
    if rating.person.user_id == getattr(user, "pk", None):
        return None
    return NotYourVisit()


def check_rater(actor: Any, rating: Rating) -> None:
    """Raise the `rater_error` of the actor on the rating, if there is one."""
    error = rater_error(actor, rating)
    if error is not None:
        raise error


def visible_rectifications(user: Any) -> QuerySet[Rectification]:
    """Return the rectifications the user may see.

    Reviewers and department admins get their department's rectifications. Supervisors
    and centre admins get all of their centre's, and a platform admin every centre's.
    """
    rows = Rectification.objects.select_related(
        "centre", "department", "rating", "rating__case", "rating__matter"
    )
    if not user.is_authenticated:
        return rows.none()
    scope = Q(pk__in=[])
    for membership in staff_roles(user):
        if membership.role == Role.PLATFORM_ADMIN:
            return rows.all()
        if membership.role in CENTRE_WIDE_ROLES:
            scope |= Q(centre_id=membership.centre_id)
        elif membership.role in DEPARTMENT_ROLES and membership.department_id:
            scope |= Q(
                centre_id=membership.centre_id,
                department_id=membership.department_id,
            )
    return rows.filter(scope)


def get_rectification_for(user: Any, rectification_id: int) -> Rectification:
    """Return the rectification if the user may see it, else raise RectificationNotFound."""
    found = visible_rectifications(user).filter(pk=rectification_id).first()
    if found is None:
        raise RectificationNotFound(rectification=rectification_id)
    return found


def fix_rateable_rectification(user: Any, case: Case) -> Rectification | None:
    """Return a closed rectification of a rating of `case` that the user may rate the
    fix of (`rater_error`), and whose fix is not rated yet."""
    return _fix_rateable(case, _ratings_of_rater(user, case))


def _fix_rateable(case: Case, ratings: Q) -> Rectification | None:
    return (
        Rectification.objects.for_centre(case.centre)
        .filter(
            ratings,
            rating__case=case,
            outcome__in=RESOLVED_OUTCOMES,
            fix_level__isnull=True,
        )
        .first()
    )


def _ratings_of_rater(user: Any, case: Case, *, applicant: bool | None = None) -> Q:
    """Match the rectifications of the ratings of `case` that `rater_error` lets the
    user handle: their own visit ratings, and the case's rating when they act as the
    applicant of the case. `applicant` says whether they do, when the caller has
    checked it already."""
    if applicant is None:
        applicant = acts_as_applicant(user, case)
    own_visits = Q(
        rating__visit__isnull=False, rating__person__user_id=getattr(user, "pk", None)
    )
    if not applicant:
        return own_visits
    return own_visits | Q(rating__visit__isnull=True)


def get_fix_rectification_for(user: Any, case: Case) -> Rectification:
    """Return the rectification of `case` whose fix the applicant `user` may rate now.

    Raises NotYourCase, or an agency error, for anyone who does not act as the
    applicant of the case (see `cases.applicants`), NoRectificationOfCase when none of
    the ratings of the case they may handle opened one, and FixNotRateable naming the
    latest one when it is still open or its fix is already rated.
    """
    check_acts_as_applicant(user, case, NotYourCase(number=case.number))
    ratings = _ratings_of_rater(user, case, applicant=True)
    found = _fix_rateable(case, ratings)
    if found is not None:
        return found
    latest = (
        Rectification.objects.for_centre(case.centre)
        .filter(ratings, rating__case=case)
        .order_by("-pk")
        .first()
    )
    if latest is None:
        raise NoRectificationOfCase(number=case.number)
    raise FixNotRateable(rectification=latest.pk)


def statistics_centres(user: Any) -> QuerySet[Centre]:
    """Return the centres whose rating statistics the user may read."""
    if not user.is_authenticated:
        return Centre.objects.none()
    ids = set()
    for membership in staff_roles(user):
        if membership.role == Role.PLATFORM_ADMIN:
            return Centre.objects.all()
        if membership.role in CENTRE_WIDE_ROLES and membership.centre_id:
            ids.add(membership.centre_id)
    return Centre.objects.filter(pk__in=ids)


def clerk_centre(user: Any) -> Centre:
    """Return the centre where the user is a clerk, or raise a permission error."""
    for membership in staff_roles(user):
        if membership.role == Role.CLERK and membership.centre is not None:
            return membership.centre
    raise RoleRequired(role=Role.CLERK, centre=CentreScope.ANY)


def get_visit_for(user: Any, visit_id: int) -> Visit:
    """Return a visit of a centre where the user is a clerk, or raise VisitNotFound."""
    centres = [
        m.centre_id
        for m in staff_roles(user)
        if m.role == Role.CLERK and m.centre_id is not None
    ]
    visit = (
        Visit.objects.select_related("centre", "person", "case")
        .filter(pk=visit_id, centre_id__in=centres)
        .first()
    )
    if visit is None:
        raise VisitNotFound(visit=visit_id)
    return visit


def find_visitor(user: Any, number: str, id_number: str) -> tuple[Case | None, Person]:
    """Return the case and applicant of a visit: by case number, else by ID number.

    With both, the ID number must be that of the case's applicant, or CaseNotOfVisit is
    raised, so that a mistyped case number does not record the visit for someone else.
    """
    number = number.strip()
    if not number:
        return None, find_person_by_id_number(id_number)
    case = get_case_for(user, number, audit=False)
    if id_number.strip():
        resident = parse_resident_id(id_number)
        if resident.number != case.person.id_number:
            raise CaseNotOfVisit(number=case.number)
    return case, case.person


# --- rating pads -------------------------------------------------------------------------


def get_window_pad(centre: Centre | int, window_id: int | None) -> RatingPad | None:
    """Return the pad paired with the window `window_id` of the centre and not
    revoked, if any."""
    if window_id is None:
        return None
    return (
        RatingPad.objects.for_centre(centre)
        .filter(window_record_id=window_id, revoked_at__isnull=True)
        .first()
    )


def padded_windows(centre: Centre) -> list[str]:
    """Return the codes of the centre's windows that have a pad not revoked, in order."""
    return list(
        RatingPad.objects.for_centre(centre)
        .filter(revoked_at__isnull=True, window_record__isnull=False)
        .order_by("window_record__code")
        .values_list("window_record__code", flat=True)
    )


def get_request_pad(request: HttpRequest) -> RatingPad | None:
    """Return the paired pad whose secret the request's pad cookie contains, if any."""
    secret = request.COOKIES.get(PAD_COOKIE, "")
    if not secret:
        return None
    return (
        RatingPad.objects.select_related("centre")
        .filter(secret_digest=digest_of(secret), revoked_at__isnull=True)
        .first()
    )


def get_request_pairing(request: HttpRequest) -> PadPairing | None:
    """Return the open pairing of the device whose pad cookie the request contains."""
    secret = request.COOKIES.get(PAD_COOKIE, "")
    if not secret:
        return None
    return PadPairing.objects.filter(
        secret_digest=digest_of(secret), expires_at__gt=timezone.now()
    ).first()


def pairing_centres(user: Any) -> list[Centre]:
    """Return the centres where the user may pair pads, ordered by region code."""
    centres = {
        membership.centre.pk: membership.centre
        for membership in staff_roles(user)
        if membership.role in PAIRING_ROLES and membership.centre is not None
    }
    return sorted(centres.values(), key=lambda centre: centre.region_code)


def pairing_centre(user: Any, slug: str = "") -> Centre:
    """Return the centre `slug` where the user may pair pads, or raise.

    An empty `slug` picks the first of `pairing_centres`, the only one for most staff.
    """
    centres = pairing_centres(user)
    if not centres:
        raise RoleRequired(role=list(PAIRING_ROLES), centre=CentreScope.ANY)
    if not slug:
        return centres[0]
    for centre in centres:
        if centre.slug == slug:
            return centre
    raise PadCentreNotAllowed(
        centre=echoed(slug), allowed=listed(centre.slug for centre in centres)
    )


def visible_pads(user: Any) -> QuerySet[RatingPad]:
    """Return the pads of the centres where the user is a centre admin."""
    return RatingPad.objects.filter(
        centre_id__in=centres_of(user, (Role.CENTRE_ADMIN,))
    ).select_related("centre", "paired_by", "revoked_by", "window_record")


def get_pad_for(user: Any, pad_id: int) -> RatingPad:
    """Return a pad of a centre where the user is a centre admin, or raise PadNotFound."""
    pad = visible_pads(user).filter(pk=pad_id).first()
    if pad is None:
        raise PadNotFound(pad=pad_id)
    return pad


def current_screen_link(pad: RatingPad) -> RatingLink | None:
    """Return the newest open screen link of an unrated visit at the pad's window.

    Only links issued since the pad was paired count, so that a pad paired at a window
    does not offer the next person an earlier applicant's visit.
    """
    return (
        RatingLink.objects.for_centre(pad.centre_id)
        .filter(
            channel=RatingChannel.WINDOW_SCREEN,
            visit__window_record_id=pad.window_record_id,
            visit__ratings__isnull=True,
            expires_at__gt=timezone.now(),
            created_at__gte=pad.paired_at,
        )
        .select_related("centre", "visit", "visit__case", "visit__case__matter")
        .order_by("-created_at", "-pk")
        .first()
    )


def current_qr_link(visit: Visit) -> RatingLink | None:
    """Return the visit's newest QR code link that has not expired, if any."""
    return (
        RatingLink.objects.for_centre(visit.centre_id)
        .filter(
            visit=visit,
            channel=RatingChannel.QR_CODE,
            expires_at__gt=timezone.now(),
        )
        .order_by("-created_at", "-pk")
        .first()
    )
