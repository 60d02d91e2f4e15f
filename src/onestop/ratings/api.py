"""The ratings API under /api/v1/ratings: rate, change, rate by link, pads, rectify,
statistics."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.http import HttpRequest
from ninja import Query, Router, Schema
from ninja.responses import Status
from pydantic import StrictBool, StrictInt

from onestop.cases.queries import get_case_for
from onestop.core.centres import get_centre
from onestop.core.dates import api_datetime
from onestop.core.errors import echoed
from onestop.core.models import Centre, Role
from onestop.core.permissions import (
    RoleRequired,
    require_authenticated,
    require_role,
)
from onestop.core.schemas import ApiDateTime, InputSchema
from onestop.ratings import pads, policy, queries, rectifications
from onestop.ratings.actions import (
    change_rating,
    issue_rating_link,
    rate_by_link,
    rate_case,
    record_visit,
)
from onestop.ratings.errors import RectificationStatusUnknown
from onestop.ratings.models import RatingChannel, RectificationStatus
from onestop.ratings.presenters import (
    pad_dict,
    rating_dict,
    rectification_dict,
    report_dict,
)
from onestop.ratings.stats import (
    PUBLIC_DIMENSIONS,
    Period,
    build_report,
    check_channel,
    check_dimension,
    narrow_to_centre,
    ratings_of,
)

router = Router(tags=["ratings"])


class RatingIn(InputSchema):
    # Strict, as the window's JSON booleans are: "5" is a string, not a level.
    level: StrictInt
    comment: str = ""
    tags: list[str] = []
    channel: str = RatingChannel.ONLINE


class ChangeIn(InputSchema):
    level: StrictInt
    comment: str = ""
    tags: list[str] = []
    token: str | None = None


class RatingOut(Schema):
    id: int
    case: str | None
    visit: int | None
    channel: str
    level: int
    level_label: str
    tags: list[str]
    comment: str
    is_bad: bool
    is_default: bool
    created_at: ApiDateTime
    updated_at: ApiDateTime
    rectification: int | None


class VisitIn(InputSchema):
    case: str = ""
    id_number: str = ""
    # The code of an active window of the centre, or empty for none. Left out, the
    # clerk's last window is recorded, and a code given becomes the clerk's last one.
    window: str | None = None


class LinkIn(InputSchema):
    channel: str


class LinkOut(Schema):
    """An issued rating link, without its token: the token reaches only the applicant."""

    id: int
    channel: str
    expires_at: ApiDateTime
    delivered_to: str


class PairIn(InputSchema):
    code: str
    # The code of an active window of the centre.
    window: str
    # The slug of the centre to pair the pad into, for staff of several centres.
    # An empty slug picks the first of the caller's centres by region code.
    centre: str = ""


class PadOut(Schema):
    id: int
    # The window's name as it was at pairing, and the window's code.
    window: str
    window_code: str | None
    paired_by: int
    paired_at: ApiDateTime
    last_seen_at: ApiDateTime | None
    revoked_at: ApiDateTime | None
    revoked_by: int | None


class NoteIn(InputSchema):
    note: str


class CloseIn(InputSchema):
    outcome: str
    note: str
    rectify_by: dt.date | None = None


class AppealIn(InputSchema):
    kind: str
    reason: str


class RectificationDecisionIn(InputSchema):
    upheld: StrictBool
    note: str


class FixRatingIn(InputSchema):
    level: StrictInt


class StatsQuery(Schema):
    dimension: str = "department"
    start: str = ""
    end: str = ""
    centre: str = ""
    channel: str = ""


# --- rating ------------------------------------------------------------------------------


@router.post("/cases/{number}", response={201: RatingOut})
def rate(request: HttpRequest, number: str, payload: RatingIn) -> Status:
    case = get_case_for(request.user, number, audit=False)
    rating = rate_case(
        actor=request.user,
        case=case,
        level=payload.level,
        comment=payload.comment,
        tags=payload.tags,
        channel=payload.channel,
    )
    return Status(201, rating_dict(rating))


@router.put("/{int:rating_id}", response=RatingOut)
def change(request: HttpRequest, rating_id: int, payload: ChangeIn) -> dict[str, Any]:
    rating = queries.get_own_rating(request.user, rating_id)
    rating = change_rating(
        actor=request.user,
        rating=rating,
        level=payload.level,
        comment=payload.comment,
        tags=payload.tags,
    )
    return rating_dict(rating)


@router.post("/links/{token}", response={201: RatingOut}, auth=None)
def rate_with_link(request: HttpRequest, token: str, payload: RatingIn) -> Status:
    """Rate through a rating link; the link is the credential, no sign-in needed.

    A screen link of a window with a rating pad needs that pad's cookie.
    """
    rating = rate_by_link(
        actor=request.user,
        token=token,
        level=payload.level,
        comment=payload.comment,
        tags=payload.tags,
        pad=queries.get_request_pad(request),
    )
    return Status(201, rating_dict(rating))


# --- visits and links --------------------------------------------------------------------


@router.post("/visits", response={201: dict})
def new_visit(request: HttpRequest, payload: VisitIn) -> Status:
    """Record a visit at the window, identified by the applicant's case or ID number."""
    centre = queries.clerk_centre(request.user)
    case, person = queries.find_visitor(request.user, payload.case, payload.id_number)
    visit = record_visit(
        actor=request.user,
        centre=centre,
        person=person,
        window=payload.window,
        case=case,
    )
    return Status(201, {"id": visit.pk, "case": case.number if case else None})


@router.post("/visits/{visit_id}/links", response={201: LinkOut})
def new_visit_link(request: HttpRequest, visit_id: int, payload: LinkIn) -> Status:
    visit = queries.get_visit_for(request.user, visit_id)
    link = issue_rating_link(actor=request.user, channel=payload.channel, visit=visit)
    return Status(201, _link_dict(link))


@router.post("/cases/{number}/links", response={201: LinkOut})
def new_case_link(request: HttpRequest, number: str, payload: LinkIn) -> Status:
    case = get_case_for(request.user, number, audit=False)
    link = issue_rating_link(actor=request.user, channel=payload.channel, case=case)
    return Status(201, _link_dict(link))


def _link_dict(link: Any) -> dict[str, Any]:
    return {
        "id": link.pk,
        "channel": link.channel,
        "expires_at": api_datetime(link.expires_at),
        "delivered_to": _delivery_of(link),
    }


def _delivery_of(link: Any) -> str:
    # The API never returns the token, so that staff cannot rate on the applicant's
    # behalf. A screen or QR code link of a visit is shown on the visit's page at the
    # window, which faces the applicant. Every other link goes to the applicant's
    # messages.
    if link.visit_id is not None and link.channel != RatingChannel.SMS:
        return "visit_page"
    return "applicant_messages"


def link_path(link: Any) -> str:
    """Return the page path of a link: the tablet screen, or the short link."""
    if link.channel == RatingChannel.WINDOW_SCREEN:
        return f"/ratings/screen/{link.token}/"
    return f"/r/{link.token}"


# --- rating pads -------------------------------------------------------------------------


@router.post("/pads", response={201: PadOut})
def pair(request: HttpRequest, payload: PairIn) -> Status:
    """Pair the device that shows the pairing code with a window of the caller's centre."""
    centre = queries.pairing_centre(request.user, payload.centre)
    pad = pads.pair_pad(
        actor=request.user, centre=centre, code=payload.code, window=payload.window
    )
    return Status(201, pad_dict(pad))


@router.get("/pads", response=list[PadOut])
def list_pads(request: HttpRequest) -> list[dict[str, Any]]:
    """List the pads of the centres where the caller is a centre admin."""
    require_authenticated(request.user)
    rows = queries.visible_pads(request.user).order_by(
        "centre_id", "window_record__code", "pk"
    )
    return [pad_dict(pad) for pad in rows[:500]]


@router.post("/pads/{pad_id}/revoke", response=PadOut)
def revoke_pad(request: HttpRequest, pad_id: int) -> dict[str, Any]:
    found = queries.get_pad_for(request.user, pad_id)
    return pad_dict(pads.revoke_pad(actor=request.user, pad=found))


# --- rectifications ----------------------------------------------------------------------


@router.get("/rectifications", response=list[dict])
def list_rectifications(request: HttpRequest, status: str = "") -> list[dict[str, Any]]:
    rows = queries.visible_rectifications(request.user).order_by("due_date", "pk")
    if status:
        if status not in RectificationStatus.values:
            raise RectificationStatusUnknown(
                status=echoed(status), statuses=list(RectificationStatus)
            )
        rows = rows.filter(status=status)
    return [rectification_dict(row) for row in rows[:500]]


@router.get("/rectifications/{rectification_id}", response=dict)
def get_rectification(request: HttpRequest, rectification_id: int) -> dict[str, Any]:
    found = queries.get_rectification_for(request.user, rectification_id)
    return rectification_dict(found)


@router.post("/rectifications/{rectification_id}/callback", response=dict)
def callback(request: HttpRequest, rectification_id: int, payload: NoteIn) -> dict:
    found = queries.get_rectification_for(request.user, rectification_id)
    done = rectifications.record_callback(
        actor=request.user, rectification=found, note=payload.note
    )
    return rectification_dict(done)


@router.post("/rectifications/{rectification_id}/close", response=dict)
def close(request: HttpRequest, rectification_id: int, payload: CloseIn) -> dict:
    found = queries.get_rectification_for(request.user, rectification_id)
    done = rectifications.close_rectification(
        actor=request.user,
        rectification=found,
        outcome=payload.outcome,
        note=payload.note,
        rectify_by=payload.rectify_by,
    )
    return rectification_dict(done)


@router.post("/rectifications/{rectification_id}/appeal", response=dict)
def appeal(request: HttpRequest, rectification_id: int, payload: AppealIn) -> dict:
    found = queries.get_rectification_for(request.user, rectification_id)
    done = rectifications.appeal_rating(
        actor=request.user,
        rectification=found,
        kind=payload.kind,
        reason=payload.reason,
    )
    return rectification_dict(done)


@router.post("/rectifications/{rectification_id}/decision", response=dict)
def decide(
    request: HttpRequest, rectification_id: int, payload: RectificationDecisionIn
) -> dict:
    found = queries.get_rectification_for(request.user, rectification_id)
    done = rectifications.decide_appeal(
        actor=request.user,
        rectification=found,
        upheld=payload.upheld,
        note=payload.note,
    )
    return rectification_dict(done)


@router.post("/cases/{number}/fix-rating", response=dict)
def rate_the_fix(request: HttpRequest, number: str, payload: FixRatingIn) -> dict:
    """Record the applicant's rating of how their bad rating of the case was resolved."""
    case = get_case_for(request.user, number, audit=False)
    found = queries.get_fix_rectification_for(request.user, case)
    done = rectifications.rate_fix(
        actor=request.user, rectification=found, level=payload.level
    )
    return {"case": case.number, "fix_level": done.fix_level}


# --- statistics --------------------------------------------------------------------------


@router.get("/stats", response=dict)
def statistics(request: HttpRequest, filters: Query[StatsQuery]) -> dict[str, Any]:
    """Return the figures of the supervisor page, for the centres the caller supervises."""
    require_authenticated(request.user)
    centres = queries.statistics_centres(request.user)
    if not centres.exists():
        raise RoleRequired(role=Role.SUPERVISOR, centre="")
    centres = narrow_to_centre(centres, filters.centre)
    ratings = ratings_of(
        centres,
        Period.parse(filters.start, filters.end),
        channel=check_channel(filters.channel),
    )
    return report_dict(build_report(ratings, check_dimension(filters.dimension)))


@router.get("/public", response=dict, auth=None)
def public_summary(
    request: HttpRequest, dimension: str = "centre", centre: str = ""
) -> dict[str, Any]:
    """Return the public figures: counts and rates only, with no personal data."""
    centres = narrow_to_centre(Centre.objects.all(), centre)
    report = build_report(
        ratings_of(centres, Period()), check_dimension(dimension, PUBLIC_DIMENSIONS)
    )
    return report_dict(report)


# --- the rating policy of a centre -------------------------------------------------------


class PolicyOut(Schema):
    centre: str
    change_period_hours: int
    default_rating_days: int
    rectification_working_days: int
    appeal_days: int
    screen_link_minutes: int
    pads_required: bool
    # The codes of the windows whose pads are not revoked; with pads_required, visits
    # are recorded only at these.
    windows_with_pads: list[str]


class PolicyIn(InputSchema):
    # Strict, so that "5" or true is not taken for a number; a member left out keeps
    # its value.
    change_period_hours: StrictInt | None = None
    default_rating_days: StrictInt | None = None
    rectification_working_days: StrictInt | None = None
    appeal_days: StrictInt | None = None
    screen_link_minutes: StrictInt | None = None
    pads_required: StrictBool | None = None


def _policy_out(centre: Centre) -> PolicyOut:
    values = policy.policy_values(queries.get_policy(centre))
    return PolicyOut(
        centre=centre.slug,
        windows_with_pads=queries.padded_windows(centre),
        **values,
    )


@router.get("/policies/{slug}", response=PolicyOut)
def get_rating_policy(request: HttpRequest, slug: str) -> PolicyOut:
    """Return a centre's rating policy (centre admins of the centre, platform admins)."""
    centre = get_centre(slug)
    require_role(request.user, policy.POLICY_ROLES, centre=centre)
    return _policy_out(centre)


@router.put("/policies/{slug}", response=PolicyOut)
def put_rating_policy(request: HttpRequest, slug: str, payload: PolicyIn) -> PolicyOut:
    """Change the members sent; every value is checked before any is saved."""
    centre = get_centre(slug)
    sent = {key: value for key, value in payload.dict().items() if value is not None}
    policy.update_policy(actor=request.user, centre=centre, values=sent)
    return _policy_out(centre)
